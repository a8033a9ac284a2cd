"""The portal integration's wiring: introspection, just-in-time provisioning and the access log
in the authenticator, the background jobs they need, and the access-log export
(`/portal/access-log.jsonl`). Browser sign-in is `server/signin.py`."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from typing import Any

import orjson
from aiohttp import web
from authlib.integrations.httpx_client import AsyncOAuth2Client

from auth.authenticator import Authenticator
from auth.cache import ViewerCache
from auth.errors import AuthError
from auth.introspection import Introspector
from auth.jwks import Discovery, JwksCache, jwks_fetcher, stop
from auth.tokens import TokenValidator, TrustedIssuer
from auth.viewer import Viewer
from models.access import Permission
from resolvers.sso import access_log_lines
from server.settings import Settings
from services import sso
from subscriptions.events import Event
from subscriptions.topics import Topic
from sync.provisioning import Provisioner

log = logging.getLogger(__name__)

AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
PORTAL_SETTINGS = web.AppKey("portal_settings", Settings)
JWKS = web.AppKey("jwks", JwksCache)
usage = sso.usage
VIEWER_TOPICS = frozenset(
    {Topic.TENANT_STATUS_CHANGED, Topic.TENANT_UPDATED, Topic.ACCESS_RULES_CHANGED}
)


def viewer_invalidation(cache: ViewerCache) -> Callable[[Event], None]:
    """The event handler that drops a tenant's cached viewers when anyone's access there may
    have changed: any directory event (users, roles, assignments, units), the tenant's status,
    its portal access rules."""

    def forget(event: Event) -> None:
        if event.topic.startswith("directory.") or event.topic in VIEWER_TOPICS:
            cache.forget_tenant(event.tenant_id)

    return forget


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
            client_id=optional_str(claims.get("client_id")),
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
            subject=optional_str(claims.get("sub")),
            method=method,
            reason=error.message,
            client_id=optional_str(claims.get("client_id")),
            ip=None,
        )


def optional_str(value: Any) -> str | None:
    return str(value) if value is not None else None


def build_authenticator(
    app: web.Application,
    settings: Settings,
    validator: TokenValidator,
    discovery: Discovery | None,
) -> Authenticator:
    """The authenticator with introspection, provisioning and the access log."""
    authenticator = Authenticator(
        validator,
        tenant_claim=settings.oidc_tenant_claim,
        introspector=_introspector(app, settings, discovery),
        directory=_provisioner(settings),
        hooks=AccessLog(),
        session_cookie=settings.session_cookie,
        cache=ViewerCache(settings.viewer_cache_seconds),
    )
    app[AUTHENTICATOR] = authenticator
    app[PORTAL_SETTINGS] = settings
    app.router.add_get("/portal/access-log.jsonl", access_log_export)
    app.cleanup_ctx.append(_background(settings))
    return authenticator


def _introspector(
    app: web.Application, settings: Settings, discovery: Discovery | None
) -> Introspector | None:
    """Opaque tokens checked at the portal's introspection endpoint (RFC 7662), when enabled."""
    if discovery is None or not settings.oidc_introspection or not settings.oidc_client_id:
        return None
    oauth = AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106
        timeout=10,
    )
    app.on_cleanup.append(lambda _: oauth.aclose())

    async def endpoint() -> str:
        return await discovery.endpoint("introspection_endpoint")

    return Introspector(
        lambda: oauth,
        endpoint,
        issuer=discovery.issuer,
        audience=settings.oidc_audience,
        cache_seconds=settings.oidc_introspection_cache_seconds,
        leeway=settings.oidc_leeway_seconds,
    )


def _provisioner(settings: Settings) -> Provisioner:
    return Provisioner(
        roles_claim=settings.oidc_roles_claim,
        role_map=dict(settings.oidc_role_map),
        default_role=settings.oidc_default_role,
        org_unit_claim=settings.oidc_org_unit_claim,
        create=settings.oidc_provisioning,
        link_by=settings.oidc_link_by,
        roles_from_tokens=settings.oidc_roles_from_tokens,
    )


def provider_issuer(
    settings: Settings, http: Any
) -> tuple[TrustedIssuer, Discovery, JwksCache] | None:
    if not settings.oidc_issuer:
        return None
    discovery = Discovery(http, settings.oidc_issuer, {"jwks_uri": settings.oidc_jwks_url})
    cache = JwksCache(
        jwks_fetcher(http, discovery),
        settings.oidc_jwks_min_refresh_seconds,
        settings.oidc_jwks_unknown_kid_seconds,
    )
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
