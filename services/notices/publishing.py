"""Publishing a notice: at once by a notices manager, or through an approval flow of the
tenant's choosing (a document of that type runs through the one flow engine, and its
completion publishes the notice); down the tenant tree by copies, as exchange copies what it
sends; and revoking, which takes the notice and every copy back."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor
from models.documents import DocumentStatus
from models.notices import Notice, NoticeAttachment, NoticeStatus, NoticeTarget
from models.scope import TenantScope
from models.tenants import Tenant, TenantStatus
from services import indexing
from services.documents import lifecycle, outcomes
from services.documents.runtime import Run
from services.errors import Code, ServiceError, signed_in
from services.inputs import Checks
from services.notices.audience import manages
from services.notices.drafts import editable, record
from services.rows import locked
from services.uow import Work, transaction

KIND = "notice"


async def publish_notice(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    approval_document_type_id: uuid.UUID | str | None = None,
) -> Notice:
    """Publish now (notices managers), or submit for approval through a document of
    `approval_document_type_id`: the notice is PENDING until that document's flow ends."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        notice = await editable(scope, actor, id)
        targeted = await scope.query(NoticeTarget).filter(notice_id=notice.id).exists()
        if not notice.to_everyone and not targeted:
            raise ServiceError.of(
                Code.REQUIRED, _("Choose who the notice is for (everyone, units or roles)"), "id"
            )
        if approval_document_type_id is None:
            if not manages(actor):
                raise ServiceError.of(
                    Code.FORBIDDEN,
                    _(
                        "Publishing without approval needs notices.publish; name an "
                        "approvalDocumentTypeId to submit it for approval"
                    ),
                    "approvalDocumentTypeId",
                )
            await publish(work, actor, scope, notice)
            return notice
        document = await lifecycle.create_document(
            actor,
            document_type_id=approval_document_type_id,
            title=notice.title,
            form_data={"body": notice.body or notice.title},
        )
        notice.status, notice.approval_document_id = NoticeStatus.PENDING, document.id
        notice.version += 1
        await notice.save()
        record(work, actor.tenant_id, notice, "submitted", document=str(document.id))
        await lifecycle.submit_document(actor, id=document.id)
        await notice.refresh_from_db()
    return notice


async def publish(work: Work, actor: Actor, scope: TenantScope, notice: Notice) -> None:
    notice.status, notice.published_at = NoticeStatus.PUBLISHED, work.now
    notice.version += 1
    await notice.save()
    await index_notice(scope, notice)
    record(work, scope.tenant_id, notice, "published")
    if notice.to_subtenants and notice.source_notice_id is None:
        await _copy_down(work, actor, notice)


async def index_notice(scope: TenantScope, notice: Notice) -> None:
    names = (
        await scope.query(NoticeAttachment)
        .filter(notice_id=notice.id)
        .values_list("name", flat=True)
    )
    content = "\n".join([notice.body, notice.category, notice.publisher, *map(str, names)])
    await indexing.put(scope, KIND, notice.id, [indexing.Entry(notice.title, content)])


async def _below(actor: Actor) -> list[Tenant]:
    """The active tenants under the actor's (districts under a city bureau)."""
    return (
        await Tenant.filter(path__startswith=actor.tenant_path, status=TenantStatus.ACTIVE)
        .exclude(id=actor.tenant_id)
        .order_by("path")
    )


async def _copy_down(work: Work, actor: Actor, notice: Notice) -> None:
    """Each tenant below receives its own copy, published to everyone there; the sender
    reads none of its rows (docs/architecture.md, Tenancy)."""
    sender = await Tenant.get(id=actor.tenant_id)
    files = await TenantScope(actor.tenant_id).query(NoticeAttachment).filter(notice_id=notice.id)
    fields = ("title", "body", "category", "priority", "pinned", "valid_from", "valid_until")
    for tenant in await _below(actor):
        there = TenantScope(tenant.id)
        copy = await there.create(
            Notice,
            **{name: getattr(notice, name) for name in fields},
            status=NoticeStatus.PUBLISHED,
            to_everyone=True,
            publisher=sender.name,
            published_at=work.now,
            source_tenant_id=actor.tenant_id,
            source_notice_id=notice.id,
        )
        await there.bulk_create(
            NoticeAttachment,
            [
                NoticeAttachment(
                    notice_id=copy.id,
                    name=f.name,
                    content_type=f.content_type,
                    size=f.size,
                    sha256=f.sha256,
                )
                for f in files
            ],
        )
        await index_notice(there, copy)
        record(work, tenant.id, copy, "received", source=str(actor.tenant_id))


async def revoke_notice(
    actor: Actor | None, *, id: uuid.UUID | str, reason: str | None = None
) -> Notice:
    """撤销: the notice disappears from every reader, its copies below included."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        reason = checks.optional_text(reason, "reason", max_length=1000)
    async with transaction(actor) as work:
        notice = await locked(scope, Notice, id, _("Notice"), "id")
        if notice.author_id != actor.user_id and not manages(actor):
            raise ServiceError.of(Code.NOT_FOUND, _("Notice not found"), "id")
        if notice.status not in (NoticeStatus.PUBLISHED, NoticeStatus.PENDING):
            raise ServiceError.of(
                Code.INVALID_STATE,
                _("A {status} notice cannot be revoked", status=notice.status.value),
                "id",
            )
        await _revoke(work, scope, notice, reason)
        if notice.source_notice_id is None:
            for tenant in await _below(actor):
                there = TenantScope(tenant.id)
                for copy in (
                    await there.query(Notice)
                    .filter(source_notice_id=notice.id, status=NoticeStatus.PUBLISHED)
                    .select_for_update()
                ):
                    await _revoke(work, there, copy, reason)
    return notice


async def _revoke(work: Work, scope: TenantScope, notice: Notice, reason: str | None) -> None:
    notice.status, notice.revoked_at = NoticeStatus.REVOKED, work.now
    notice.version += 1
    await notice.save()
    await indexing.drop(scope, KIND, notice.id)
    record(work, scope.tenant_id, notice, "revoked", reason=reason)


@outcomes.listen
async def approval_ended(run: Run) -> None:
    """The approval document of a notice ended: completed publishes it, anything else
    (rejected, withdrawn, terminated) sends it back to its author as REJECTED."""
    notice = (
        await run.scope.query(Notice)
        .filter(approval_document_id=run.document.id, status=NoticeStatus.PENDING)
        .select_for_update()
        .first()
    )
    if notice is None:
        return
    if run.document.status is DocumentStatus.COMPLETED:
        await publish(run.work, run.actor, run.scope, notice)
        return
    notice.status = NoticeStatus.REJECTED
    notice.version += 1
    await notice.save()
    record(run.work, run.scope.tenant_id, notice, "rejected", outcome=run.document.status.value)
