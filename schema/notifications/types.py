"""Notifications (站内消息), preferences and outbound deliveries as GraphQL types."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import notifications as m
from resolvers import notifications as r
from schema.nodes import LoadedNode
from schema.types import describe_values
from services.notifications import Preferences

strawberry.enum(
    m.NotificationKind,
    name="NotificationKind",
    description="What a notification is about: a new task (TASK_ASSIGNED), a task handed to "
    "you (TASK_HANDED_OVER, 转交/委托), 催办 (TASK_URGED, with the comment), a reminder before "
    "the deadline (TASK_REMINDER), an overdue task (TASK_OVERDUE), a circulation received "
    "(CIRCULATION_RECEIVED, 传阅/抄送) or urged (CIRCULATION_URGED, 催阅), your dispatch signed "
    "or returned by a receiver (DISPATCH_SIGNED, DISPATCH_RETURNED), an incoming item arrived "
    "(INCOMING_ARRIVED, 收文), a tenant or service application decided, or you were named "
    "@username in a comment on a document you read (MENTIONED); a meeting invitation, an "
    "invitee's answer or a reminder (MEETING_INVITED, MEETING_RESPONDED, MEETING_REMINDER), "
    "your booking decided (BOOKING_DECIDED), or, for tenant administrators, a quota nearly used "
    "up or a service package expired (QUOTA_WARNING, PACKAGE_EXPIRING), or a notice you have "
    "not read yet (NOTICE_REMINDER).",
)
describe_values(
    m.NotificationKind,
    {
        "TASK_ASSIGNED": "新待办: a task now waits for you.",
        "TASK_HANDED_OVER": "A task was delegated, transferred, escalated or handed back to you.",
        "TASK_URGED": "催办: someone urged your task, with their comment.",
        "TASK_REMINDER": "Your task falls due soon (the node's remindBeforeHours).",
        "TASK_OVERDUE": "Your task is past its deadline.",
        "CIRCULATION_RECEIVED": "传阅 / 抄送: a document was circulated to you to read.",
        "CIRCULATION_URGED": "催阅: the sender reminds you to read a circulated document.",
        "DISPATCH_SIGNED": "A receiver signed for (签收) a dispatch of your tenant.",
        "DISPATCH_RETURNED": "A receiver returned (退回) a dispatch of your tenant.",
        "INCOMING_ARRIVED": "收文: an item arrived in your tenant's incoming box.",
        "TENANT_APPLICATION_DECIDED": "Your tenant's application to join was approved.",
        "SERVICE_APPLICATION_DECIDED": "Your portal service application was decided.",
        "MENTIONED": "You were named @username in a comment on a document you read.",
        "MEETING_INVITED": "会议邀请: you were invited to a calendar event.",
        "MEETING_RESPONDED": "An invitee accepted, declined or tentatively answered your event.",
        "MEETING_REMINDER": "日程提醒: an event you attend starts soon (its remindMinutes).",
        "BOOKING_DECIDED": "Your booking (预约) of a resource was approved or rejected.",
        "QUOTA_WARNING": "资源预警: your tenant used 80 % or 100 % of a limit of its package.",
        "PACKAGE_EXPIRING": "Your tenant's service package (服务套餐) expired; renew it before "
        "the suspension day.",
        "NOTICE_REMINDER": "催阅: the publisher of a notice (通知公告) reminds you to read it.",
    },
)
strawberry.enum(
    m.Channel,
    name="NotificationChannel",
    description="Outbound channels besides in-app (always on): EMAIL, SMS, IM (both through "
    "the deployment's HTTP gateway).",
)
describe_values(
    m.Channel,
    {
        "EMAIL": "E-mail over SMTP.",
        "SMS": "Text message through the SMS gateway.",
        "IM": "Instant message through the IM gateway.",
    },
)
strawberry.enum(
    m.DeliveryStatus,
    name="DeliveryStatus",
    description="PENDING (waiting for its time, quiet hours or a retry), SENT, FAILED (given up "
    "after the last retry, or no transport for the channel).",
)

describe_values(
    m.DeliveryStatus,
    {
        "PENDING": "Waiting for its time: quiet hours or a retry.",
        "SENT": "The transport took it.",
        "FAILED": "Given up: the last retry failed, or no transport for the channel.",
    },
)


@strawberry.type(
    name="Notification",
    description="站内消息: something that concerns you, shown in the app at once.",
)
class Notification(LoadedNode):
    id: relay.NodeID[str]
    kind: m.NotificationKind = strawberry.field(description="What it is about.")
    text: str = strawberry.field(description="The message in Chinese, naming document and node.")
    link: strawberry.ID | None = strawberry.field(
        description="Global id of what it is about (a document, an incoming item, …): pass it "
        "to `node(id:)`."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    read_at: datetime | None = strawberry.field(description="When you marked it read.")

    loader = r.NotificationById

    @classmethod
    def from_model(cls, row: m.Notification) -> Notification:
        return cls(
            id=str(row.id),
            kind=row.kind,
            text=row.text,
            link=strawberry.ID(row.link) if row.link else None,
            created_at=row.created_at,
            read_at=row.read_at,
        )


@strawberry.type(description="The kinds sent on one outbound channel.")
class ChannelKinds:
    channel: m.Channel = strawberry.field(description="The channel.")
    kinds: list[m.NotificationKind] = strawberry.field(description="The kinds it carries.")


@strawberry.type(
    name="NotificationPreferences",
    description="Your notification preferences: the defaults (every kind by e-mail, nothing by "
    "SMS or IM, no quiet hours, no digest) until you set them.",
)
class NotificationPreferences:
    channels: list[ChannelKinds] = strawberry.field(description="Per outbound channel.")
    quiet_start: str | None = strawberry.field(
        description="免打扰 from (HH:MM, your time zone): outbound messages wait until quietEnd."
    )
    quiet_end: str | None = strawberry.field(description="免打扰 until (HH:MM).")
    time_zone: str = strawberry.field(description="IANA time zone, default Asia/Shanghai.")
    digest_after_hours: int | None = strawberry.field(
        description="每日摘要: notifications unread this many hours go into one e-mail a day; "
        "null: no digest."
    )

    @classmethod
    def of(cls, row: m.NotificationPreference | None) -> NotificationPreferences:
        prefs = Preferences.of(row)
        return cls(
            channels=[
                ChannelKinds(channel=c, kinds=sorted(prefs.channels.get(c, ()))) for c in m.Channel
            ],
            quiet_start=row.quiet_start if row else None,
            quiet_end=row.quiet_end if row else None,
            time_zone=prefs.time_zone,
            digest_after_hours=prefs.digest_after_hours,
        )


@strawberry.type(
    name="NotificationDelivery",
    description="One outbound message (e-mail, SMS, IM) as operators see it.",
)
class NotificationDelivery(relay.Node):
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Idempotency key sent with the message.")
    channel: m.Channel = strawberry.field(description="The channel.")
    address: str = strawberry.field(description="E-mail address, phone number or IM account.")
    subject: str = strawberry.field(description="Subject line.")
    status: m.DeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Sends tried so far.")
    next_attempt_at: datetime = strawberry.field(description="Not sent before this time.")
    sent_at: datetime | None = strawberry.field(description="When the transport took it.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    created_at: datetime = strawberry.field(description="When it was queued.")

    @classmethod
    def from_model(cls, row: m.NotificationDelivery) -> NotificationDelivery:
        return cls(
            id=str(row.id),
            key=row.key,
            channel=row.channel,
            address=row.address,
            subject=row.subject,
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            sent_at=row.sent_at,
            last_error=row.last_error,
            created_at=row.created_at,
        )
