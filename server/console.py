"""The web console (`web/`, built into `web/dist`) served at `/`, and the two things it asks of
the server besides `/graphql`: how to sign in (`/auth/console`), and in dev mode a token for a
demo account (`/auth/dev/accounts`, `/auth/dev/token`).

Any GET that is not an API path, not a file of the build and not a file name (a last
segment with a dot) gets `index.html`, so the console's own routes (`/documents/…`) survive
a reload. Without a build `/` says in one page
what the console needs; the API works either way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from auth.dev_issuer import DevIssuer
from models.directory import User, UserStatus
from models.scope import TenantScope
from models.tenants import Tenant, TenantStatus

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
API_PREFIXES = (
    "/graphql",
    "/auth/",
    "/files/",
    "/scim/",
    "/graphiql/",
    "/audit/",
    "/docs/api",
    "/calendar/",
)
API_PATHS = {"/healthz", "/readyz", "/metrics"}
NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Officecloud</title>
<p>The web console is not built. It needs Node.js 20.19 or newer with npm: install them and run
<code>make run</code> again (or <code>make console</code>). The API at
<a href="/graphql">/graphql</a> works without it.</p></html>
"""
DEV_ACCOUNT_LIMIT = 50
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_routes(
    app: web.Application,
    *,
    dev_issuer: DevIssuer | None,
    sign_in: bool,
    dist: Path = DIST,
) -> None:
    """Routed last: the catch-all must not shadow an API route."""

    async def config(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "devMode": dev_issuer is not None,
                "signInUrl": "/auth/login" if sign_in else None,
                "logoutUrl": "/auth/logout" if sign_in else None,
            },
            headers={"Cache-Control": "no-store"},
        )

    app.router.add_get("/auth/console", config)
    if dev_issuer is not None:
        app.router.add_get("/auth/dev/accounts", _dev_accounts)
        app.router.add_post("/auth/dev/token", _dev_token_handler(dev_issuer))
    app.router.add_get("/{path:.*}", _static_handler(dist))


async def _dev_accounts(request: web.Request) -> web.Response:
    """Active users of active tenants, for the sign-in page's account picker (dev mode only)."""
    accounts: list[dict[str, str]] = []
    for tenant in await Tenant.filter(status=TenantStatus.ACTIVE).order_by("path"):
        users = (
            await TenantScope(tenant.id)
            .query(User)
            .filter(status=UserStatus.ACTIVE)
            .order_by("username")
            .limit(DEV_ACCOUNT_LIMIT)
        )
        accounts.extend(
            {
                "tenant": tenant.code,
                "tenantName": tenant.name,
                "username": user.username,
                "displayName": user.display_name,
            }
            for user in users
        )
    return web.json_response(accounts[:DEV_ACCOUNT_LIMIT], headers={"Cache-Control": "no-store"})


def _dev_token_handler(issuer: DevIssuer) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        """`{"tenant": code, "username": name}` → `{"token": …}`; unknown accounts are a 404."""
        try:
            body = await request.json()
            tenant_code, username = str(body["tenant"]), str(body["username"])
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": "Send {tenant, username}"}, status=400)
        tenant = await Tenant.get_or_none(code=tenant_code, status=TenantStatus.ACTIVE)
        user = (
            await TenantScope(tenant.id)
            .query(User)
            .get_or_none(username=username, status=UserStatus.ACTIVE)
            if tenant
            else None
        )
        if tenant is None or user is None:
            return web.json_response({"error": "No such account"}, status=404)
        token = issuer.issue(subject=str(user.id), tenant=tenant.code)
        return web.json_response({"token": token}, headers={"Cache-Control": "no-store"})

    return handler


def _static_handler(dist: Path) -> Handler:
    root = dist.resolve()

    async def handler(request: web.Request) -> web.StreamResponse:
        path = request.path
        if path in API_PATHS or path.startswith(API_PREFIXES):
            raise web.HTTPNotFound()
        index = root / "index.html"
        if not index.is_file():
            return web.Response(text=NOT_BUILT, content_type="text/html")
        wanted = (root / request.match_info["path"]).resolve()
        if wanted.is_file() and wanted.is_relative_to(root):
            # Hashed file names never change content; index.html must be re-read.
            cache = "public, max-age=31536000, immutable" if "/assets/" in path else "no-cache"
            return web.FileResponse(wanted, headers={"Cache-Control": cache})
        if path.startswith("/assets/") or "." in path.rsplit("/", 1)[-1]:
            raise web.HTTPNotFound()  # a missing file, not one of the console's routes
        return web.FileResponse(index, headers={"Cache-Control": "no-cache"})

    return handler
