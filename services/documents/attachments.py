"""Attachments: limits from settings, content-addressed storage, versions, and signed,
expiring download links for readers only. A refused upload leaves nothing behind."""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import time
import uuid
from dataclasses import dataclass
from typing import Any

from i18n import _
from models.access import Actor
from models.documents import Attachment, Document
from models.scope import TenantScope
from services import usage
from services.documents import access
from services.documents.lifecycle import editable_fields
from services.documents.runtime import Run
from services.documents.storage import BlobStore, Incoming
from services.documents.trail import trail
from services.errors import Code, Problem, ServiceError, not_found, signed_in
from services.inputs import parse_id
from services.uow import transaction


@dataclass(frozen=True)
class AttachmentPolicy:
    store: BlobStore
    max_bytes: int
    allowed_types: frozenset[str]
    secret: bytes
    link_seconds: int = 300

    def link(self, tenant_id: uuid.UUID, attachment_id: uuid.UUID, user_id: uuid.UUID) -> str:
        """A download path valid for `link_seconds`, for this user only."""
        expires = int(time.time()) + self.link_seconds
        signature = self._sign(tenant_id, attachment_id, user_id, expires)
        return (
            f"/files/{tenant_id}/{attachment_id}?user={user_id}&expires={expires}&sig={signature}"
        )

    def check(
        self, tenant_id: Any, attachment_id: Any, user_id: Any, expires: Any, signature: str
    ) -> bool:
        try:
            deadline = int(expires)
            expected = self._sign(
                uuid.UUID(str(tenant_id)),
                uuid.UUID(str(attachment_id)),
                uuid.UUID(str(user_id)),
                deadline,
            )
        except ValueError:
            return False
        return deadline >= time.time() and hmac.compare_digest(expected, signature)

    def _sign(
        self, tenant_id: uuid.UUID, attachment_id: uuid.UUID, user_id: uuid.UUID, expires: int
    ) -> str:
        message = f"{tenant_id}:{attachment_id}:{user_id}:{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def refusals(policy: AttachmentPolicy, upload: Incoming) -> list[str]:
    reasons: list[str] = []
    name = upload.name.strip()
    if not name or len(name) > 255 or "/" in name or "\\" in name:
        reasons.append(_("The file needs a plain name of at most 255 characters"))
    if upload.too_large:
        reasons.append(_("The file is larger than {max_bytes} bytes", max_bytes=policy.max_bytes))
    declared = upload.content_type.split(";")[0].strip().lower()
    if declared not in policy.allowed_types:
        reasons.append(
            _(
                "Files of type {declared} are not accepted",
                declared=declared or "unknown",
            )
        )
    guessed, _encoding = mimetypes.guess_type(name)
    if guessed and declared and guessed != declared:
        reasons.append(
            _(
                "The name says {guessed} but the file was sent as {declared}",
                guessed=guessed,
                declared=declared,
            )
        )
    return reasons


async def upload(
    actor: Actor | None,
    policy: AttachmentPolicy,
    *,
    document_id: uuid.UUID | str,
    file: Incoming,
    replaces_id: uuid.UUID | str | None = None,
) -> Attachment:
    """Attach a file (or a new version of an attachment) to a document the actor may edit."""
    try:
        actor = signed_in(actor)
        reasons = refusals(policy, file)
        if reasons:
            raise ServiceError(*[Problem(Code.INVALID, reason, ("file",)) for reason in reasons])
        return await _store(actor, policy, document_id, file, replaces_id)
    finally:
        file.discard()


async def _store(
    actor: Actor,
    policy: AttachmentPolicy,
    document_id: uuid.UUID | str,
    file: Incoming,
    replaces_id: uuid.UUID | str | None,
) -> Attachment:
    created = False
    try:
        async with transaction(actor) as work:
            run = await Run.load(work, actor, document_id)
            if await editable_fields(run) is None:
                raise ServiceError.of(
                    Code.FORBIDDEN,
                    _("You may not change this document's attachments now"),
                    "documentId",
                )
            scope = run.scope
            group_id, version = await _next_version(run, replaces_id)
            await usage.reserve_storage(actor.tenant_id, file.size)
            attachment = await scope.create(
                Attachment,
                document_id=run.document.id,
                group_id=group_id,
                version=version,
                name=file.name.strip(),
                content_type=file.content_type.split(";")[0].strip().lower(),
                size=file.size,
                sha256=file.sha256,
                uploaded_by_id=actor.user_id,
            )
            await trail(
                scope,
                run.document,
                "attachment_added",
                actor_id=actor.user_id,
                data={"name": attachment.name, "version": version, "sha256": file.sha256},
            )
            work.audit(
                actor.tenant_id,
                "document.attachment_added",
                "Document",
                run.document.id,
                {"attachment": str(attachment.id), "name": attachment.name, "size": file.size},
            )
            created = await policy.store.put(file.path, file.sha256)
    except BaseException:
        if (
            created
            and not await TenantScope(actor.tenant_id)
            .query(Attachment)
            .filter(sha256=file.sha256)
            .exists()
        ):
            await policy.store.delete(file.sha256)
        raise
    return attachment


async def _next_version(run: Run, replaces_id: uuid.UUID | str | None) -> tuple[uuid.UUID, int]:
    """The group and version number of a new upload: a new group, or the next version of the
    attachment it replaces."""
    if replaces_id is None:
        return uuid.uuid4(), 1
    previous = await run.scope.get(Attachment, replaces_id)
    if previous is None or previous.document_id != run.document.id:
        raise not_found(_("Attachment"), "replacesId")
    latest = (
        await run.scope.query(Attachment)
        .filter(group_id=previous.group_id)
        .order_by("-version")
        .first()
    )
    return previous.group_id, (latest.version if latest else 0) + 1


async def readable_attachment(
    actor: Actor, attachment_id: uuid.UUID | str
) -> tuple[Attachment, Document] | None:
    """The attachment and its document, if the actor may read the document."""
    scope = TenantScope(actor.tenant_id)
    attachment = await scope.get(Attachment, parse_id(attachment_id))
    if attachment is None:
        return None
    document = await access.readable(actor).filter(id=attachment.document_id).first()
    return (attachment, document) if document else None
