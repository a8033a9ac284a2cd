"""待阅 → 已阅: a recipient reads (opening the document or marking it), and the sender urges
(催阅) those who have not."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor
from models.circulation import Circulation, CirculationRecipient
from models.documents import Document
from models.notifications import NotificationKind
from models.scope import TenantScope
from services.documents.trail import trail
from services.errors import Code, ServiceError, not_found, signed_in
from services.inputs import Checks
from services.notifications import notify
from services.rows import locked
from services.uow import transaction
from subscriptions.topics import global_id


async def mark_read(
    actor: Actor | None,
    *,
    id: uuid.UUID | str | None = None,
    document_id: uuid.UUID | str | None = None,
) -> list[CirculationRecipient]:
    """Record the read time of the viewer's copy `id`, or of all her copies of `document_id`
    (what a client sends when she opens the document). Already read copies keep their time."""
    actor = signed_in(actor)
    if (id is None) == (document_id is None):
        raise ServiceError.of(Code.INVALID, _("Give either id or documentId"), "id")
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        mine = scope.query(CirculationRecipient).filter(user_id=actor.user_id)
        mine = mine.filter(id=id) if id is not None else mine.filter(document_id=document_id)
        rows = await mine.order_by("created_at").select_for_update()
        if not rows:
            raise not_found(_("Circulation copy"), "id" if id is not None else "documentId")
        unread = [r for r in rows if r.read_at is None]
        if unread:
            document = await locked(
                scope, Document, rows[0].document_id, _("Document"), "documentId"
            )
            await (
                scope.query(CirculationRecipient)
                .filter(id__in=[r.id for r in unread])
                .update(read_at=work.now)
            )
            for row in unread:
                row.read_at = work.now
            circulations = sorted({str(r.circulation_id) for r in unread})
            await trail(
                scope,
                document,
                "circulation_read",
                actor_id=actor.user_id,
                data={"circulationIds": circulations},
            )
            work.audit(
                actor.tenant_id,
                "circulation.read",
                "Document",
                document.id,
                {"circulations": circulations},
            )
    return rows


async def urge(
    actor: Actor | None, *, id: uuid.UUID | str, comment: str | None = None
) -> Circulation:
    """催阅: the sender reminds the recipients who have not read yet."""
    actor = signed_in(actor)
    with Checks() as checks:
        comment = checks.optional_text(comment, "comment", max_length=1000)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        circulation = await locked(scope, Circulation, id, _("Circulation"), "id")
        if circulation.sender_id != actor.user_id:
            raise ServiceError.of(Code.FORBIDDEN, _("Only the sender urges a circulation"), "id")
        unread = await scope.query(CirculationRecipient).filter(
            circulation_id=circulation.id, read_at=None
        )
        if not unread:
            raise ServiceError.of(Code.INVALID_STATE, _("Everyone has read it already"), "id")
        document = await locked(scope, Document, circulation.document_id, _("Document"), "id")
        await (
            scope.query(CirculationRecipient)
            .filter(id__in=[r.id for r in unread])
            .update(urged_at=work.now)
        )
        users = [r.user_id for r in unread]
        await trail(
            scope,
            document,
            "circulation_urged",
            actor_id=actor.user_id,
            comment=comment,
            data={"circulationId": str(circulation.id), "users": [str(u) for u in users]},
        )
        work.audit(
            actor.tenant_id,
            "circulation.urged",
            "Circulation",
            circulation.id,
            {"users": len(users)},
        )
        text = f"催阅：请阅读《{document.title}》" + (f"。留言：{comment}" if comment else "")
        await notify(
            work,
            actor.tenant_id,
            users,
            NotificationKind.CIRCULATION_URGED,
            text,
            global_id("Document", document.id),
        )
    return circulation
