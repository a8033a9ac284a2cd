"""Reads behind the notification fields: the viewer's own notifications (a constant number of
statements however many she has), her preferences, and the outbound deliveries operators
watch."""

from __future__ import annotations

import uuid

from models.access import Permission
from models.notifications import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)
from resolvers.context import Context
from resolvers.dataloaders import Loader
from resolvers.pagination import Page, PageArgs, paginate

NOBODY = uuid.UUID(int=0)


class NotificationById(Loader[uuid.UUID, Notification | None]):
    """Only the viewer's own notifications: anyone else's id is not found."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Notification | None]:
        actor = self.ctx.actor
        if actor is None:
            return [None] * len(keys)
        query = self.ctx.tenant_scope.query(Notification).filter(id__in=keys, user_id=actor.user_id)
        rows = {r.id: r for r in await query}
        return [rows.get(k) for k in keys]


async def my_notifications(
    ctx: Context, *, unread_only: bool, page: PageArgs
) -> Page[Notification]:
    """Newest first: one statement per page (and one more for `totalCount`)."""
    me = ctx.actor.user_id if ctx.actor else NOBODY
    query = ctx.tenant_scope.query(Notification).filter(user_id=me)
    if unread_only:
        query = query.filter(read_at=None)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


async def unread_count(ctx: Context) -> int:
    me = ctx.actor.user_id if ctx.actor else NOBODY
    return await ctx.tenant_scope.query(Notification).filter(user_id=me, read_at=None).count()


async def my_preferences(ctx: Context) -> NotificationPreference | None:
    me = ctx.actor.user_id if ctx.actor else NOBODY
    return await ctx.tenant_scope.query(NotificationPreference).get_or_none(user_id=me)


async def deliveries(
    ctx: Context, *, status: DeliveryStatus | None, page: PageArgs
) -> Page[NotificationDelivery]:
    """The tenant's outbound messages, newest first, for its administrators (the failed ones
    are what operators look at); nobody else sees any."""
    query = ctx.tenant_scope.query(NotificationDelivery)
    if ctx.actor is None or not ctx.actor.has(Permission.TENANT_ADMIN):
        query = query.filter(id=NOBODY)
    if status is not None:
        query = query.filter(status=status)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)
