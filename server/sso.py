"""The portal integration's HTTP side: browser sign-in (`/auth/login`, `/auth/callback`,
`/auth/logout`), back-channel logout, the access-log export, and the wiring of SSO pieces
(introspection, just-in-time provisioning, the access log) into the authenticator."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from aiohttp import web
from authlib.integrations.httpx_client import AsyncOAuth2Client

from auth.authenticator import CSRF_COOKIE, Authenticator
from auth.errors import AuthError
from auth.introspection import Introspector
from auth.jwks import Discovery, JwksCache, jwks_fetcher, stop
from auth.oidc import LOGOUT_TOKEN_MAX_AGE, OidcClient
from auth.tokens import TokenValidator, TrustedIssuer
from auth.viewer import Viewer, load_viewer
from models.access import Permission
from resolvers.sso import access_log_lines
from server.settings import Settings
from services import sso
from subscriptions import sessions
from sync.provisioning import Provisioner

log = logging.getLogger(__name__)

OIDC = web.AppKey("oidc", OidcClient)
AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
PORTAL_SETTINGS = web.AppKey("portal_settings", Settings)
LOGIN_COOKIE = "oc_login"
usage = sso.usage


class AccessLog:
    """Records sign-ins (one per bearer token) and failed sign-ins with their reason."""

    def __init__(self, max_remembered: int = 50_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._max = max_remembered

    async def signed_in(self, viewer: Viewer, *, method: str, token: str) -> None:
        key = token[-64:]
        if key in self._seen:
            return
        self._seen[key] = None
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)
        claims = viewer.claims
        await sso.record_sign_in(
            viewer.tenant.id,
            viewer.user.id,
            subject=str(claims.get("sub")),
            method=method,
            client_id=_str(claims.get("client_id")),
            token=token,
            ip=None,
        )

    async def refused(self, error: AuthError, *, method: str) -> None:
        log.info("sign-in refused (%s): %s", method, error.message)
        tenant = error.tenant
        if tenant is None:
            return
        claims = error.claims or {}
        await sso.record_failed_sign_in(
            tenant.id,
            subject=_str(claims.get("sub")),
            method=method,
            reason=error.message,
            client_id=_str(claims.get("client_id")),
            ip=None,
        )


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


def build_authenticator(
    app: web.Application,
    settings: Settings,
    validator: TokenValidator,
    discovery: Discovery | None,
) -> Authenticator:
    """The authenticator with introspection, provisioning and the access log, and the
    `/auth/*` routes when a client is configured."""
    introspector = None
    if discovery is not None and settings.oidc_introspection and settings.oidc_client_id:
        oauth = AsyncOAuth2Client(
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106
            timeout=10,
        )
        app.on_cleanup.append(lambda _: oauth.aclose())
        found = discovery

        async def endpoint() -> str:
            return await found.endpoint("introspection_endpoint")

        introspector = Introspector(
            lambda: oauth,
            endpoint,
            issuer=discovery.issuer,
            audience=settings.oidc_audience,
            cache_seconds=settings.oidc_introspection_cache_seconds,
            leeway=settings.oidc_leeway_seconds,
        )
    provisioner = (
        Provisioner(
            roles_claim=settings.oidc_roles_claim,
            role_map=dict(settings.oidc_role_map),
            default_role=settings.oidc_default_role,
            org_unit_claim=settings.oidc_org_unit_claim,
        )
        if settings.oidc_provisioning
        else None
    )
    authenticator = Authenticator(
        validator,
        tenant_claim=settings.oidc_tenant_claim,
        introspector=introspector,
        provision=provisioner,
        hooks=AccessLog(),
        session_cookie=settings.session_cookie,
    )
    app[AUTHENTICATOR] = authenticator
    app[PORTAL_SETTINGS] = settings
    if discovery is not None and settings.oidc_client_id:
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
    app.router.add_get("/portal/access-log.jsonl", access_log_export)
    app.cleanup_ctx.append(_background(settings))
    return authenticator


def provider_issuer(
    settings: Settings, http: Any
) -> tuple[TrustedIssuer, Discovery, JwksCache] | None:
    if not settings.oidc_issuer:
        return None
    discovery = Discovery(http, settings.oidc_issuer, {"jwks_uri": settings.oidc_jwks_url})
    cache = JwksCache(jwks_fetcher(http, discovery), settings.oidc_jwks_min_refresh_seconds)
    return TrustedIssuer(settings.oidc_issuer, settings.oidc_audience, cache), discovery, cache


def _background(settings: Settings) -> Any:
    async def run(app: web.Application) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(usage.flush_forever(settings.usage_flush_seconds))]
        keys = app.get(JWKS)
        if keys is not None:
            tasks.append(
                asyncio.create_task(keys.refresh_forever(settings.oidc_jwks_refresh_seconds))
            )
        yield
        for task in tasks:
            await stop(task)
        await usage.flush()

    return run


JWKS = web.AppKey("jwks", JwksCache)


# Browser sign-in -------------------------------------------------------------------------------


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
        return _page(400, "This sign-in was not started in this browser; start again.")
    pending = await sso.finish_login(state)
    if pending is None:
        return _page(400, "The sign-in request has expired or was already used; start again.")
    if "error" in request.query:
        detail = request.query.get("error_description") or request.query["error"]
        return _page(401, f"The portal did not sign you in: {detail}")
    try:
        tokens = await oidc.exchange(request.query.get("code", ""), pending.code_verifier)
        id_token = str(tokens.get("id_token") or "")
        if not id_token:
            raise AuthError("The portal returned no ID token")
        claims = await oidc.id_token_claims(id_token, nonce=pending.nonce)
        if not claims.get(settings.oidc_tenant_claim) and tokens.get("access_token"):
            info = await oidc.userinfo(str(tokens["access_token"]))
            if info.get("sub") == claims.get("sub"):
                claims = {**info, **claims}
        viewer = await load_viewer(
            claims,
            dev=False,
            tenant_claim=settings.oidc_tenant_claim,
            provision=authenticator.provision,
        )
    except AuthError as exc:
        if authenticator.hooks is not None:
            await authenticator.hooks.refused(exc, method="session")
        return _page(exc.status, exc.message)
    opened = await sso.open_session(
        viewer.tenant,
        viewer.user,
        subject=str(claims["sub"]),
        sid=_str(claims.get("sid")),
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
                return _page(403, exc.message)
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
            subject=_str(claims.get("sub")),
            sid=_str(claims.get("sid")),
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


def _page(status: int, message: str) -> web.Response:
    body = (
        "<!doctype html><meta charset=utf-8><title>Officecloud sign-in</title>"
        f"<p>{_html(message)}</p><p><a href='/auth/login'>Sign in again</a></p>"
    )
    return web.Response(status=status, text=body, content_type="text/html")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Access-log export -----------------------------------------------------------------------------


async def access_log_export(request: web.Request) -> web.StreamResponse:
    """`/portal/access-log.jsonl?from=YYYY-MM-DD&to=YYYY-MM-DD` for a tenant admin: sign-in
    events and per-day component use of their tenant, one JSON object a line, streamed."""
    authenticator = request.app[AUTHENTICATOR]
    settings = request.app[PORTAL_SETTINGS]
    try:
        viewer = await authenticator.request_viewer(
            request.method, request.headers, request.cookies, settings.csrf_header
        )
    except AuthError as exc:
        return web.json_response({"error": exc.message}, status=exc.status)
    if viewer is None:
        return web.json_response({"error": "Sign in as a tenant administrator"}, status=401)
    if not viewer.actor.has(Permission.TENANT_ADMIN) or not viewer.access.allows("stats"):
        return web.json_response(
            {"error": "Only tenant administrators may export the access log"}, status=403
        )
    try:
        start = date.fromisoformat(request.query["from"])
        end = date.fromisoformat(request.query["to"])
    except (KeyError, ValueError):
        return web.json_response(
            {"error": "Pass from and to as dates, e.g. ?from=2025-01-01&to=2025-01-31"},
            status=400,
        )
    if end < start or end - start > timedelta(days=366):
        return web.json_response({"error": "to must follow from, within 366 days"}, status=400)
    await usage.flush()
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/jsonl; charset=utf-8",
            "Content-Disposition": f'attachment; filename="access-log-{start}-{end}.jsonl"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    async for chunk in access_log_lines(viewer.tenant.id, start, end):
        await response.write(b"".join(orjson.dumps(line) + b"\n" for line in chunk))
    await response.write_eof()
    return response
