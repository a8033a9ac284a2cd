"""Browser sign-in with the portal (`/auth/login`, `/auth/callback`, `/auth/logout`): the
authorization code flow with PKCE into a server-side session, and OpenID Connect back-channel
logout (`/auth/backchannel-logout`). Routed only when an OIDC client is configured."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from auth.authenticator import CSRF_COOKIE
from auth.errors import AuthError
from auth.jwks import Discovery
from auth.oidc import LOGOUT_TOKEN_MAX_AGE, OidcClient
from auth.tokens import TokenValidator
from auth.viewer import load_viewer
from i18n import _
from i18n.catalogues import negotiate, translate
from server.settings import Settings
from server.sso import AUTHENTICATOR, PORTAL_SETTINGS, optional_str
from services import sso
from subscriptions import sessions

log = logging.getLogger(__name__)

OIDC = web.AppKey("oidc", OidcClient)
LOGIN_COOKIE = "oc_login"


def add_routes(
    app: web.Application, settings: Settings, validator: TokenValidator, discovery: Discovery | None
) -> None:
    if discovery is None or not settings.oidc_client_id:
        return
    app[OIDC] = OidcClient(
        discovery,
        validator,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_uri=f"{settings.public_url.rstrip('/')}/auth/callback",
        scope=settings.oidc_scopes,
    )
    app.on_cleanup.append(lambda a: a[OIDC].close())
    app.router.add_get("/auth/login", login)
    app.router.add_get("/auth/callback", callback)
    app.router.add_post("/auth/logout", logout)
    app.router.add_post("/auth/backchannel-logout", backchannel_logout)


def _cookie_options(settings: Settings, *, http_only: bool = True) -> dict[str, Any]:
    return {
        "httponly": http_only,
        "secure": settings.cookie_secure,
        "samesite": settings.cookie_samesite,
        "path": "/",
    }


def _safe_return_to(value: str | None) -> str:
    """Only a path on this server: an open redirect would hand the session to anyone."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    return "/" if parts.scheme or parts.netloc else value


async def login(request: web.Request) -> web.Response:
    """Start the authorization code flow with PKCE; `?return_to=/path` comes back after."""
    settings = request.app[PORTAL_SETTINGS]
    pending = await sso.begin_login(_safe_return_to(request.query.get("return_to")))
    url = await request.app[OIDC].authorization_url(
        state=pending.state,
        code_verifier=pending.code_verifier,
        nonce=pending.nonce,
        resource=settings.oidc_resource,
    )
    response = web.HTTPFound(url)
    response.set_cookie(LOGIN_COOKIE, pending.state, max_age=600, **_cookie_options(settings))
    response.headers["Cache-Control"] = "no-store"
    raise response


async def callback(request: web.Request) -> web.Response:
    settings = request.app[PORTAL_SETTINGS]
    oidc = request.app[OIDC]
    authenticator = request.app[AUTHENTICATOR]
    state = request.query.get("state", "")
    if not state or request.cookies.get(LOGIN_COOKIE) != state:
        return _page(request, 400, _("This sign-in was not started in this browser; start again."))
    pending = await sso.finish_login(state)
    if pending is None:
        return _page(
            request, 400, _("The sign-in request has expired or was already used; start again.")
        )
    mixed_up = await _issuer_mismatch(oidc, request.query.get("iss"))
    if mixed_up:
        log.warning("sign-in refused: %s", mixed_up)
        return _page(request, 400, mixed_up)
    if "error" in request.query:
        detail = request.query.get("error_description") or request.query["error"]
        return _page(request, 401, _("The portal did not sign you in: {detail}", detail=detail))
    try:
        tokens = await oidc.exchange(request.query.get("code", ""), pending.code_verifier)
        id_token = str(tokens.get("id_token") or "")
        if not id_token:
            raise AuthError(_("The portal returned no ID token"))
        claims = await _with_userinfo(
            oidc,
            await oidc.id_token_claims(id_token, nonce=pending.nonce),
            tokens,
            needed=settings.oidc_tenant_claim,
        )
        viewer = await load_viewer(
            claims,
            dev=False,
            tenant_claim=settings.oidc_tenant_claim,
            directory=authenticator.directory,
        )
    except AuthError as exc:
        if authenticator.hooks is not None:
            await authenticator.hooks.refused(exc, method="session")
        return _page(request, exc.status, exc.message)
    opened = await sso.open_session(
        viewer.tenant,
        viewer.user,
        subject=str(claims["sub"]),
        sid=optional_str(claims.get("sid")),
        id_token=id_token,
        ttl_seconds=settings.session_ttl_seconds,
        ip=request.remote,
    )
    response = web.HTTPFound(pending.return_to)
    ttl = settings.session_ttl_seconds
    response.set_cookie(
        settings.session_cookie, opened.cookie, max_age=ttl, **_cookie_options(settings)
    )
    response.set_cookie(
        CSRF_COOKIE,
        opened.csrf_token,
        max_age=ttl,
        **_cookie_options(settings, http_only=False),
    )
    response.del_cookie(LOGIN_COOKIE, path="/")
    response.headers["Cache-Control"] = "no-store"
    raise response


async def _issuer_mismatch(oidc: OidcClient, iss: str | None) -> str | None:
    """RFC 9207: the authorization response names its issuer (always, when the provider says
    it does), and it must be ours, so a response from another provider is not taken for one."""
    if iss is None:
        metadata = await oidc.discovery.metadata()
        if metadata.get("authorization_response_iss_parameter_supported") is True:
            return _("The portal's answer lacks the iss parameter it promises (RFC 9207)")
        return None
    if iss != oidc.issuer:
        return _(
            "The answer comes from issuer {iss}, not from the portal (RFC 9207)", iss=repr(iss)
        )
    return None


async def _with_userinfo(
    oidc: OidcClient, claims: dict[str, Any], tokens: dict[str, Any], *, needed: str
) -> dict[str, Any]:
    """The ID token's claims completed by the userinfo endpoint (name, e-mail and roles are
    refreshed at every sign-in, and many providers release them there only). The ID token
    wins where both speak; userinfo of another subject is ignored. Without userinfo the
    sign-in goes on, unless the ID token lacks the tenant claim."""
    if not tokens.get("access_token"):
        return claims
    try:
        info = await oidc.userinfo(str(tokens["access_token"]))
    except (AuthError, KeyError):
        if not claims.get(needed):
            raise
        return claims
    return {**info, **claims} if info.get("sub") == claims.get("sub") else claims


async def logout(request: web.Request) -> web.Response:
    """RP-initiated logout: end our session (CSRF-checked), then send the browser to the
    portal's end-session endpoint. The answer is a 303 redirect, or JSON with `redirect` for
    `Accept: application/json`."""
    settings = request.app[PORTAL_SETTINGS]
    authenticator = request.app[AUTHENTICATOR]
    raw = request.cookies.get(settings.session_cookie)
    id_token = None
    if raw:
        form = await request.post() if request.content_type.endswith("form-urlencoded") else {}
        csrf = request.headers.get(settings.csrf_header) or str(form.get("csrf_token", ""))
        try:
            viewer = await authenticator.session_viewer(raw, csrf=csrf, csrf_name="csrf_token")
        except AuthError as exc:
            if exc.status == 403:
                return _page(request, 403, exc.message)
            viewer = None
        if viewer is not None and viewer.session_id is not None:
            ended = await sso.end_session(viewer.session_id, "logout")
            id_token = ended.id_token if ended else None
            await sessions.revoke_browser(viewer.session_id)
    target = await request.app[OIDC].end_session_url(
        id_token_hint=id_token, post_logout_redirect_uri=settings.public_url.rstrip("/") + "/"
    )
    destination = target or "/"
    if "application/json" in request.headers.get("Accept", ""):
        response: web.Response = web.json_response({"redirect": destination})
    else:
        response = web.Response(status=303, headers={"Location": destination})
    response.del_cookie(settings.session_cookie, path="/")
    response.del_cookie(CSRF_COOKIE, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


async def backchannel_logout(request: web.Request) -> web.Response:
    """OpenID Connect Back-Channel Logout 1.0: revoke the sessions, refuse the subject's older
    access tokens, and close the user's websockets."""
    form = await request.post()
    token = form.get("logout_token")
    headers = {"Cache-Control": "no-store"}
    if not isinstance(token, str) or not token:
        return web.json_response(
            {"error": "invalid_request", "error_description": "logout_token is missing"},
            status=400,
            headers=headers,
        )
    oidc = request.app[OIDC]
    try:
        claims = await oidc.logout_token_claims(token)
        iat = float(claims["iat"])
        keep_until = max(float(claims.get("exp") or 0), iat + LOGOUT_TOKEN_MAX_AGE) + 60
        users = await sso.logout_from_portal(
            issuer=oidc.issuer,
            subject=optional_str(claims.get("sub")),
            sid=optional_str(claims.get("sid")),
            jti=str(claims["jti"]),
            iat=iat,
            keep_until=keep_until,
        )
    except AuthError as exc:
        log.warning("back-channel logout refused: %s", exc.message)
        return web.json_response(
            {"error": "invalid_request", "error_description": exc.message},
            status=400,
            headers=headers,
        )
    except sso.ReplayedToken:
        return web.json_response(
            {"error": "invalid_request", "error_description": "This logout token was used"},
            status=400,
            headers=headers,
        )
    closed = 0
    for tenant_id, user_id in users:
        closed += await sessions.revoke_user(tenant_id, user_id)
    log.info("back-channel logout: %d users, %d sockets closed", len(users), closed)
    return web.Response(status=200, headers=headers)


def _page(request: web.Request, status: int, message: str) -> web.Response:
    """A refused sign-in, in the language the browser asks for."""
    language = negotiate(request.headers.get("Accept-Language"))
    again = translate(_("Sign in again"), language)
    body = (
        "<!doctype html><meta charset=utf-8><title>Officecloud sign-in</title>"
        f"<p>{_html(translate(message, language))}</p>"
        f"<p><a href='/auth/login'>{_html(again)}</a></p>"
    )
    return web.Response(status=status, text=body, content_type="text/html")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
