"""Notification queries: my notifications and unread count, my preferences, and the outbound
deliveries for operators."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import notifications as m
from resolvers import notifications as r
from resolvers.pagination import PageArgs
from schema.connection import Connection
from schema.notifications.types import (
    Notification,
    NotificationDelivery,
    NotificationPreferences,
)
from schema.types import Info

First = Annotated[int | None, strawberry.argument(description="Page size (at most the cap).")]
Cursor = Annotated[str | None, strawberry.argument(description="A cursor from pageInfo.")]


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="站内消息: your notifications, newest first.")
    async def my_notifications(
        self,
        info: Info,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not yet marked read.")
        ] = False,
        first: First = None,
        after: Cursor = None,
        last: First = None,
        before: Cursor = None,
    ) -> Connection[Notification]:
        page = await r.my_notifications(
            info.context, unread_only=unread_only, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Notification.from_model)

    @strawberry.field(description="How many of your notifications are unread (one COUNT).")
    async def unread_notification_count(self, info: Info) -> int:
        return await r.unread_count(info.context)

    @strawberry.field(description="Your notification preferences (the defaults until set).")
    async def my_notification_preferences(self, info: Info) -> NotificationPreferences:
        return NotificationPreferences.of(await r.my_preferences(info.context))

    @strawberry.field(
        description="Outbound messages of your tenant, newest first (tenant administrators; "
        "empty for others): watch FAILED ones."
    )
    async def notification_deliveries(
        self,
        info: Info,
        status: Annotated[
            m.DeliveryStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
        first: First = None,
        after: Cursor = None,
        last: First = None,
        before: Cursor = None,
    ) -> Connection[NotificationDelivery]:
        page = await r.deliveries(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, NotificationDelivery.from_model)
