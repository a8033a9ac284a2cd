"""Reads behind the notice fields: the notices published to the viewer (通知公告), her own,
read receipts per unit, and the loaders of notices and their attachments."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models.directory import OrgUnit, User
from models.notices import Notice, NoticeAttachment, NoticeRead
from resolvers.context import Context
from resolvers.dataloaders import GroupedBy, Loader
from resolvers.pagination import Page, PageArgs, paginate
from services import notices
from services.notices.audience import manages, published_to


class NoticeById(Loader[uuid.UUID, Notice | None]):
    """Notices the viewer may open (the one read rule, `services.notices.visible`)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Notice | None]:
        actor = self.ctx.actor
        if actor is None:
            return [None] * len(keys)
        found = await notices.reach(self.ctx.tenant_scope, actor.user_id)
        rows = {
            n.id: n
            for n in await notices.visible(actor, found, datetime.now(UTC)).filter(id__in=keys)
        }
        return [rows.get(k) for k in keys]


class AttachmentsByNotice(GroupedBy[NoticeAttachment]):
    model, key, order = NoticeAttachment, "notice_id", ("name", "id")


class ReadByViewer(Loader[uuid.UUID, bool]):
    """Whether the viewer has read each notice."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[bool]:
        actor = self.ctx.actor
        if actor is None:
            return [False] * len(keys)
        read = set(
            await self.ctx.tenant_scope.query(NoticeRead)
            .filter(notice_id__in=keys, user_id=actor.user_id)
            .values_list("notice_id", flat=True)
        )
        return [k in read for k in keys]


async def notice_list(
    ctx: Context, *, category: str | None, authored: bool, page: PageArgs
) -> Page[Notice]:
    """Published to the viewer and in force, pinned first then newest; or her own notices in
    any state (`authored`), newest first."""
    actor = ctx.actor
    if actor is None:
        return await paginate(ctx.tenant_scope.query(Notice).filter(id=None), ("id",), page, 1)
    if authored:
        query = ctx.tenant_scope.query(Notice).filter(author_id=actor.user_id)
        order: tuple[str, ...] = ("id",)
    else:
        found = await notices.reach(ctx.tenant_scope, actor.user_id)
        query = published_to(ctx.tenant_scope, found, datetime.now(UTC))
        order = ("pinned", "published_at", "id")
    if category:
        query = query.filter(category=category)
    return await paginate(query, order, page, ctx.max_page, descending=True)


@dataclass
class UnitReceipt:
    unit_id: uuid.UUID | None
    unit_name: str
    read: list[User] = field(default_factory=list)
    unread: list[User] = field(default_factory=list)


class ReceiptsByNotice(Loader[uuid.UUID, list[UnitReceipt]]):
    """Per notice, who has read it and who has not, per primary org unit: the same
    statements however many notices."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[list[UnitReceipt]]:
        scope = self.ctx.tenant_scope
        rows = await scope.query(Notice).filter(id__in=keys)
        people = await notices.recipients_of(scope, rows) if rows else {}
        read: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for notice_id, user_id in (
            await scope.query(NoticeRead)
            .filter(notice_id__in=keys)
            .values_list("notice_id", "user_id")
        ):
            read[notice_id].add(user_id)
        unit_ids = {u.primary_org_unit_id for users in people.values() for u in users}
        names = dict(
            await scope.query(OrgUnit)
            .filter(id__in=[u for u in unit_ids if u])
            .values_list("id", "name")
        )
        return [_per_unit(people.get(k, []), read[k], names) for k in keys]


def _per_unit(people: list[User], read: set[uuid.UUID], names: dict[Any, Any]) -> list[UnitReceipt]:
    units: dict[uuid.UUID | None, UnitReceipt] = {}
    for user in people:
        unit_id = user.primary_org_unit_id
        unit = units.setdefault(unit_id, UnitReceipt(unit_id, str(names.get(unit_id, ""))))
        (unit.read if user.id in read else unit.unread).append(user)
    return sorted(units.values(), key=lambda u: u.unit_name)


async def receipts(ctx: Context, notice: Notice) -> list[UnitReceipt] | None:
    """Read receipts for the notice's author and notices managers only."""
    actor = ctx.actor
    if actor is None or (notice.author_id != actor.user_id and not manages(actor)):
        return None
    return await ReceiptsByNotice(ctx).load(notice.id)
