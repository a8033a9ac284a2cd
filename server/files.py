"""Uploads (the GraphQL multipart request spec) and signed, expiring downloads."""

from __future__ import annotations

import urllib.parse
from typing import Any

from aiohttp import BodyPartReader, web

from auth.viewer import actor_for
from models.directory import User, UserStatus
from models.scope import TenantScope
from models.tenants import Tenant, TenantStatus
from services.documents import attachments
from services.documents.storage import Incoming, spool
from services.exchange import incoming

ATTACHMENTS = web.AppKey("attachments", attachments.AttachmentPolicy)
PREFLIGHT_HEADERS = ("GraphQL-Require-Preflight", "X-Requested-With")


def preflighted(request: web.Request) -> bool:
    """CSRF protection for multipart requests: a browser sends a custom header only after a
    CORS preflight, which a foreign page cannot pass."""
    return any(request.headers.get(name) for name in PREFLIGHT_HEADERS)


async def read_multipart(
    request: web.Request, policy: attachments.AttachmentPolicy
) -> tuple[dict[str, str], dict[str, Incoming]]:
    """Form fields and files; files are spooled to the blob store's staging area, at most
    `max_bytes` each (the rest is read and dropped, and the file marked too large)."""
    reader = await request.multipart()
    form: dict[str, str] = {}
    files: dict[str, Incoming] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        if part.filename is None:
            form[part.name] = await part.text()
            continue
        files[part.name] = await spool(
            _chunks(part),
            name=part.filename,
            content_type=part.headers.get("Content-Type", ""),
            staging=policy.store.staging(),
            limit=policy.max_bytes,
        )
    return form, files


async def _chunks(part: BodyPartReader) -> Any:
    while chunk := await part.read_chunk(1 << 16):
        yield chunk


async def download(request: web.Request) -> web.StreamResponse:
    policy = request.app[ATTACHMENTS]
    tenant_id = request.match_info["tenant_id"]
    attachment_id = request.match_info["attachment_id"]
    user_id = request.query.get("user", "")
    if not policy.check(
        tenant_id,
        attachment_id,
        user_id,
        request.query.get("expires"),
        request.query.get("sig", ""),
    ):
        return _refused("The link is invalid or has expired")
    tenant = await Tenant.get_or_none(id=tenant_id, status=TenantStatus.ACTIVE)
    scope = TenantScope(tenant.id) if tenant else None
    user = await scope.get(User, user_id) if scope else None
    if tenant is None or scope is None or user is None or user.status != UserStatus.ACTIVE:
        return _refused("The link's user may no longer download")
    actor = await actor_for(scope, user, tenant)
    found = await attachments.readable_attachment(actor, attachment_id)
    attachment = found[0] if found else await incoming.readable_attachment(actor, attachment_id)
    if attachment is None:
        return _refused("The link's user may no longer read this document")
    quoted = urllib.parse.quote(attachment.name)
    return web.FileResponse(
        policy.store.path(attachment.sha256),
        headers={
            "Content-Type": attachment.content_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quoted}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _refused(message: str) -> web.Response:
    return web.json_response(
        {"errors": [{"message": message, "extensions": {"code": "FORBIDDEN"}}]}, status=403
    )
