"""`GET /audit/export`: a tenant's audit log as JSON lines, for tenant admins (their tenant or
one below) and the platform admin. Query parameters: `tenant` (code; default the caller's),
`actor` (user id), `action` (prefix), `targetType`, `target`, `from`, `to` (ISO 8601)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
from aiohttp import web

from auth.errors import AuthError
from models.tenants import Tenant
from resolvers import audit
from server import sso


async def export(request: web.Request) -> web.StreamResponse:
    try:
        viewer = await request.app[sso.AUTHENTICATOR].viewer(request.headers.get("Authorization"))
    except AuthError as exc:
        return web.json_response({"error": exc.message}, status=exc.status)
    if viewer is None:
        return web.json_response(
            {"error": "Send 'Authorization: Bearer <access token>'"},
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    query = request.query
    try:
        wanted = await Tenant.get_or_none(code=query["tenant"]) if "tenant" in query else None
        tenant = await audit.audit_tenant(
            viewer.actor, wanted.id if wanted else (uuid.UUID(int=0) if "tenant" in query else None)
        )
        filters = audit.AuditFilter(
            actor_id=uuid.UUID(query["actor"]) if query.get("actor") else None,
            action_prefix=query.get("action") or None,
            target_type=query.get("targetType") or None,
            target_id=query.get("target") or None,
            since=_moment(query.get("from")),
            until=_moment(query.get("to")),
        )
    except ValueError as exc:
        return web.json_response({"error": f"Bad parameter: {exc}"}, status=400)
    if tenant is None:
        return web.json_response({"error": "Not an administrator of that tenant"}, status=403)
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/jsonl",
            "Content-Disposition": f'attachment; filename="audit-{tenant.code}.jsonl"',
        }
    )
    await response.prepare(request)
    async for line in audit.export(tenant, filters):
        await response.write(orjson.dumps(line) + b"\n")
    await response.write_eof()
    return response


def _moment(raw: str | None) -> datetime | None:
    if not raw:
        return None
    moment = datetime.fromisoformat(raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
