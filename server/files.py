"""Uploads (the GraphQL multipart request spec) and signed, expiring downloads."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from cross_web import HTTPException

from auth.viewer import actor_for
from i18n import _
from i18n.catalogues import negotiate, translate
from models.directory import User, UserStatus
from models.scope import TenantScope
from models.tenants import Tenant, TenantStatus
from models.text import forbidden_character
from services.documents import attachments
from services.documents.storage import BlobMissing, Incoming, spool
from services.exchange import incoming
from services.notices import readable_attachment as readable_notice_attachment

log = logging.getLogger("officecloud.files")
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
    `max_bytes` each (the rest is read and dropped, and the file marked too large). A file name
    follows the text rule of every input (`models.text`); a form field must be UTF-8."""
    reader = await request.multipart()
    form: dict[str, str] = {}
    files: dict[str, Incoming] = {}
    try:
        while (part := await _next_part(reader)) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                continue
            if part.filename is None:
                try:
                    form[part.name] = await part.text()
                except (UnicodeDecodeError, LookupError) as exc:
                    raise HTTPException(
                        400, _("The form field '{name}' is not UTF-8", name=part.name)
                    ) from exc
                continue
            if bad := forbidden_character(part.filename):
                raise HTTPException(400, _("The file name holds the character {bad}", bad=bad))
            files[part.name] = await spool(
                _chunks(part),
                name=part.filename,
                content_type=part.headers.get("Content-Type", ""),
                staging=policy.store.staging(),
                limit=policy.max_bytes,
            )
    except BaseException:
        for spooled in files.values():
            spooled.discard()
        raise
    return form, files


async def _next_part(reader: MultipartReader) -> Any:
    """A part, or None at the end; headers aiohttp cannot parse (raw control characters
    included) are the client's error."""
    try:
        return await reader.next()
    except (HttpProcessingError, ValueError) as exc:
        raise HTTPException(400, _("The multipart body is malformed")) from exc


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
        return _refused(request, _("The link is invalid or has expired"))
    tenant = await Tenant.get_or_none(id=tenant_id, status=TenantStatus.ACTIVE)
    scope = TenantScope(tenant.id) if tenant else None
    user = await scope.get(User, user_id) if scope else None
    if tenant is None or scope is None or user is None or user.status != UserStatus.ACTIVE:
        return _refused(request, _("The link's user may no longer download"))
    actor = await actor_for(scope, user, tenant)
    found = await attachments.readable_attachment(actor, attachment_id)
    attachment = (
        found[0]
        if found
        else await incoming.readable_attachment(actor, attachment_id)
        or await readable_notice_attachment(actor, attachment_id)
    )
    if attachment is None:
        return _refused(request, _("The link's user may no longer read this document"))
    try:
        blob = await policy.store.open(attachment.sha256)
    except BlobMissing:
        log.error(
            "attachment %s of tenant %s: its blob %s is missing from the store",
            attachment.id,
            tenant_id,
            attachment.sha256,
        )
        return _error(
            request, 500, _("The file's content is missing from the store"), "BLOB_MISSING"
        )
    quoted = urllib.parse.quote(attachment.name)
    headers = {
        "Content-Type": attachment.content_type,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quoted}",
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if blob.path is not None:
        return web.FileResponse(blob.path, headers=headers)
    assert blob.chunks is not None
    response = web.StreamResponse(headers=headers)
    response.content_length = blob.size
    await response.prepare(request)
    async for chunk in blob.chunks:
        await response.write(chunk)
    await response.write_eof()
    return response


def _refused(request: web.Request, message: str) -> web.Response:
    return _error(request, 403, message, "FORBIDDEN")


def _error(request: web.Request, status: int, message: str, code: str) -> web.Response:
    """A refused download, its message in the language the browser asks for."""
    text = translate(message, negotiate(request.headers.get("Accept-Language")))
    return web.json_response(
        {"errors": [{"message": text, "extensions": {"code": code}}]}, status=status
    )
