"""Reads behind the circulation fields: the 待阅 / 已阅 boxes, a document's circulations with
each recipient's read time, and the loaders. A circulation is visible to whoever may read its
document (the one read rule)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from models.circulation import Circulation, CirculationRecipient
from resolvers.context import Context
from resolvers.dataloaders import GroupedBy, Loader
from resolvers.documents import DocumentById
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate

NOBODY = uuid.UUID(int=0)


class ReadStatus(StrEnum):
    UNREAD = "unread"
    READ = "read"


class RecipientsByCirculation(GroupedBy[CirculationRecipient]):
    model, key, order = CirculationRecipient, "circulation_id", ("created_at", "id")


class CirculationById(Loader[uuid.UUID, Circulation | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[Circulation | None]:
        rows = {r.id: r for r in await self.ctx.tenant_scope.query(Circulation).filter(id__in=keys)}
        documents = await DocumentById(self.ctx).load_many([r.document_id for r in rows.values()])
        readable = {d.id for d in documents if d}
        return [r if (r := rows.get(k)) and r.document_id in readable else None for k in keys]


async def my_circulations(
    ctx: Context, *, status: ReadStatus | None, page: PageArgs
) -> Page[CirculationRecipient]:
    """The viewer's copies, newest first: 待阅 (UNREAD), 已阅 (READ) or both."""
    me = ctx.actor.user_id if ctx.actor else NOBODY
    query = ctx.tenant_scope.query(CirculationRecipient).filter(user_id=me)
    if status is ReadStatus.UNREAD:
        query = query.filter(read_at=None)
    elif status is ReadStatus.READ:
        query = query.filter(read_at__not_isnull=True)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


async def of_document(ctx: Context, document_id: object) -> list[Circulation]:
    """The circulations of a document the viewer may read, oldest first."""
    key = node_uuid(document_id, "Document")  # type: ignore[arg-type]
    if not isinstance(key, uuid.UUID) or await DocumentById(ctx).load(key) is None:
        return []
    return list(
        await ctx.tenant_scope.query(Circulation)
        .filter(document_id=key)
        .order_by("created_at", "id")
    )
