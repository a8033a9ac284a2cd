"""Notifications are written in the transaction of the change that causes them, so one exists
exactly when its cause committed; the outbound deliveries are queued in the same breath."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from i18n import _
from models.access import Actor
from models.base import new_id
from models.directory import User, UserStatus
from models.notifications import (
    Channel,
    Notification,
    NotificationDelivery,
    NotificationKind,
)
from models.scope import TenantScope
from services.errors import Code, ServiceError, signed_in
from services.inputs import parse_id
from services.notifications.preferences import Preferences, of_users
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

MAX_TEXT = 1000
SUBJECTS = {
    NotificationKind.TASK_ASSIGNED: "新待办",
    NotificationKind.TASK_HANDED_OVER: "转交给您的待办",
    NotificationKind.TASK_URGED: "催办",
    NotificationKind.TASK_REMINDER: "办理期限提醒",
    NotificationKind.TASK_OVERDUE: "待办已超期",
    NotificationKind.CIRCULATION_RECEIVED: "传阅",
    NotificationKind.CIRCULATION_URGED: "传阅催阅",
    NotificationKind.DISPATCH_SIGNED: "发文已签收",
    NotificationKind.DISPATCH_RETURNED: "发文被退回",
    NotificationKind.INCOMING_ARRIVED: "新收文",
    NotificationKind.TENANT_APPLICATION_DECIDED: "入驻申请结果",
    NotificationKind.SERVICE_APPLICATION_DECIDED: "服务组件申请结果",
    NotificationKind.MENTIONED: "有人提到了您",
    NotificationKind.MEETING_INVITED: "会议邀请",
    NotificationKind.MEETING_RESPONDED: "会议回复",
    NotificationKind.MEETING_REMINDER: "日程提醒",
    NotificationKind.BOOKING_DECIDED: "预约审批结果",
    NotificationKind.QUOTA_WARNING: "资源用量预警",
    NotificationKind.PACKAGE_EXPIRING: "服务套餐到期",
    NotificationKind.NOTICE_REMINDER: "通知公告催阅",
}
"""The subject line of each kind's messages (e-mail subject, SMS prefix)."""


async def notify(
    work: Work,
    tenant_id: uuid.UUID,
    user_ids: Iterable[uuid.UUID],
    kind: NotificationKind,
    text: str,
    link: str | None = None,
) -> list[Notification]:
    """Tell `user_ids` (of `tenant_id`) about something, in `work`'s transaction: one
    notification each, the outbound deliveries their preferences ask for, and a
    `notification.created` event each. Users who are not active members of the tenant, and
    the acting user herself, are left out. `text` is Chinese and names the document and node;
    `link` is the global id of what it is about. A constant number of statements however
    many users."""
    me = work.actor.user_id if work.actor else None
    wanted = list(dict.fromkeys(u for u in user_ids if u != me))
    if not wanted:
        return []
    scope = TenantScope(tenant_id)
    users = {
        u.id: u for u in await scope.query(User).filter(id__in=wanted, status=UserStatus.ACTIVE)
    }
    ids = [u for u in wanted if u in users]
    if not ids:
        return []
    choices = await of_users(scope, ids)
    text = text[:MAX_TEXT]
    rows = [
        Notification(id=new_id(), user_id=u, kind=kind, text=text, link=link, created_at=work.now)
        for u in ids
    ]
    await scope.bulk_create(Notification, rows)
    deliveries = [
        delivery
        for row in rows
        for channel in choices[row.user_id].wanted(kind)
        if (delivery := _delivery(work, row, users[row.user_id], channel, choices[row.user_id]))
    ]
    if deliveries:
        await scope.bulk_create(NotificationDelivery, deliveries)
    for row in rows:
        work.emit(tenant_id, Topic.NOTIFICATION_CREATED, _payload(row))
    return rows


def _delivery(
    work: Work,
    row: Notification,
    user: User,
    channel: Channel,
    choice: Preferences,
) -> NotificationDelivery | None:
    address = {Channel.EMAIL: user.email, Channel.SMS: user.phone, Channel.IM: user.username}
    if not address[channel]:
        return None
    return NotificationDelivery(
        id=new_id(),
        key=f"{row.id}:{channel.value}",
        notification_id=row.id,
        user_id=user.id,
        channel=channel,
        address=address[channel],
        subject=f"【{SUBJECTS[row.kind]}】{row.text}"[:300],
        body=row.text,
        link=row.link,
        next_attempt_at=choice.not_before(work.now),
    )


def _payload(row: Notification) -> dict[str, Any]:
    return {
        "notificationId": global_id("Notification", row.id),
        "userId": global_id("User", row.user_id),
        "kind": row.kind.value,
        "text": row.text,
        "link": row.link,
        "createdAt": row.created_at.isoformat(),
    }


async def mark_read(
    actor: Actor | None, *, ids: Sequence[uuid.UUID | str] | None = None
) -> list[Notification]:
    """Mark the viewer's notifications read: those of `ids`, or every unread one. An id that
    is not the viewer's is NOT_FOUND, and nothing changes."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        mine = scope.query(Notification).filter(user_id=actor.user_id)
        if ids is None:
            rows = await mine.filter(read_at=None).select_for_update()
        else:
            keys = {parse_id(i) for i in ids}
            rows = await mine.filter(id__in=[k for k in keys if k]).select_for_update()
            if None in keys or len(rows) != len(keys):
                raise ServiceError.of(Code.NOT_FOUND, _("Notification not found"), "ids")
        unread = [r.id for r in rows if r.read_at is None]
        if unread:
            await scope.query(Notification).filter(id__in=unread).update(read_at=work.now)
        for row in rows:
            row.read_at = row.read_at or work.now
    return rows
