"""Reading notices: read receipts (已阅), reminding those who have not read (催阅), and the
notice attachments, stored in the same blob store as documents'."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from i18n import _
from models.access import Actor
from models.notices import Notice, NoticeAttachment, NoticeRead, NoticeStatus
from models.scope import TenantScope
from services.documents.attachments import AttachmentPolicy, refusals
from services.documents.storage import Incoming
from services.errors import Code, Problem, ServiceError, not_found, signed_in
from services.inputs import parse_id
from services.notices.audience import manages, reach, recipients, visible
from services.notices.drafts import editable, record
from services.notifications import NotificationKind, notify
from services.rows import locked
from services.uow import transaction
from subscriptions.topics import Topic, global_id, global_ids


async def readable(actor: Actor, notice_id: uuid.UUID | str) -> Notice | None:
    """The notice, if `actor` may open it."""
    scope = TenantScope(actor.tenant_id)
    key = parse_id(notice_id)
    if key is None:
        return None
    found = await reach(scope, actor.user_id)
    return await visible(actor, found, datetime.now(UTC)).filter(id=key).first()


async def mark_notice_read(actor: Actor | None, *, id: uuid.UUID | str) -> Notice:
    """Record that the viewer has read a published notice (once; again is a no-op)."""
    actor = signed_in(actor)
    notice = await readable(actor, id)
    if notice is None or notice.status is not NoticeStatus.PUBLISHED:
        raise not_found(_("Notice"), "id")
    scope = TenantScope(actor.tenant_id)
    if await scope.query(NoticeRead).filter(notice_id=notice.id, user_id=actor.user_id).exists():
        return notice
    async with transaction(actor) as work:
        try:
            async with in_transaction():
                await scope.create(NoticeRead, notice_id=notice.id, user_id=actor.user_id)
        except IntegrityError:
            return notice
        work.audit(actor.tenant_id, "notice.read", "Notice", notice.id, {"title": notice.title})
        work.emit(
            actor.tenant_id,
            Topic.NOTICE_READ,
            {
                "noticeId": global_id("Notice", notice.id),
                "userId": global_id("User", actor.user_id),
            },
        )
    return notice


async def remind_unread(actor: Actor | None, *, id: uuid.UUID | str) -> list[uuid.UUID]:
    """催阅: remind everyone the notice reaches who has not read it yet; returns them."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        notice = await locked(scope, Notice, id, _("Notice"), "id")
        if notice.author_id != actor.user_id and not manages(actor):
            raise not_found(_("Notice"), "id")
        if notice.status is not NoticeStatus.PUBLISHED:
            raise ServiceError.of(Code.INVALID_STATE, _("Only a published notice is read"), "id")
        read = set(
            await scope.query(NoticeRead)
            .filter(notice_id=notice.id)
            .values_list("user_id", flat=True)
        )
        unread = [u.id for u in await recipients(scope, notice) if u.id not in read]
        if unread:
            await notify(
                work,
                actor.tenant_id,
                unread,
                NotificationKind.NOTICE_REMINDER,
                f"请阅读通知公告「{notice.title}」",
                global_id("Notice", notice.id),
            )
            work.emit(
                actor.tenant_id,
                Topic.NOTICE_REMINDED,
                {
                    "noticeId": global_id("Notice", notice.id),
                    "title": notice.title,
                    "userIds": global_ids("User", unread),
                },
            )
        record(work, actor.tenant_id, notice, "reminded", unread=len(unread))
    return unread


async def upload_notice_attachment(
    actor: Actor | None, policy: AttachmentPolicy, *, notice_id: uuid.UUID | str, file: Incoming
) -> NoticeAttachment:
    """Attach a file to a notice one may still edit; the same limits as documents'."""
    try:
        actor = signed_in(actor)
        reasons = refusals(policy, file)
        if reasons:
            raise ServiceError(*[Problem(Code.INVALID, reason, ("file",)) for reason in reasons])
        scope = TenantScope(actor.tenant_id)
        async with transaction(actor) as work:
            notice = await editable(scope, actor, notice_id)
            attachment = await scope.create(
                NoticeAttachment,
                notice_id=notice.id,
                name=file.name.strip(),
                content_type=file.content_type.split(";")[0].strip().lower(),
                size=file.size,
                sha256=file.sha256,
                uploaded_by_id=actor.user_id,
            )
            record(work, actor.tenant_id, notice, "attachment_added", name=attachment.name)
            await policy.store.put(file.path, file.sha256)
        return attachment
    finally:
        file.discard()


async def readable_attachment(
    actor: Actor, attachment_id: uuid.UUID | str
) -> NoticeAttachment | None:
    """A notice's attachment, if the actor may open the notice (for downloads)."""
    row = await TenantScope(actor.tenant_id).get(NoticeAttachment, parse_id(attachment_id))
    if row is None or await readable(actor, row.notice_id) is None:
        return None
    return row
