"""Notifications (站内消息): one row per person per event that concerns her, the outbound
deliveries of each over e-mail, SMS and IM, and each person's preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import TenantEntity

if TYPE_CHECKING:
    from models.directory import User


class NotificationKind(StrEnum):
    """What a notification is about; docs/notifications.md describes each."""

    TASK_ASSIGNED = "task_assigned"
    TASK_HANDED_OVER = "task_handed_over"
    TASK_URGED = "task_urged"
    TASK_REMINDER = "task_reminder"
    TASK_OVERDUE = "task_overdue"
    CIRCULATION_RECEIVED = "circulation_received"
    CIRCULATION_URGED = "circulation_urged"
    DISPATCH_SIGNED = "dispatch_signed"
    DISPATCH_RETURNED = "dispatch_returned"
    INCOMING_ARRIVED = "incoming_arrived"
    TENANT_APPLICATION_DECIDED = "tenant_application_decided"
    SERVICE_APPLICATION_DECIDED = "service_application_decided"
    MENTIONED = "mentioned"
    MEETING_INVITED = "meeting_invited"
    MEETING_RESPONDED = "meeting_responded"
    MEETING_REMINDER = "meeting_reminder"
    BOOKING_DECIDED = "booking_decided"
    QUOTA_WARNING = "quota_warning"
    PACKAGE_EXPIRING = "package_expiring"
    NOTICE_REMINDER = "notice_reminder"


class Channel(StrEnum):
    """Outbound channels; in-app is not one of them: every notification is in-app."""

    EMAIL = "email"
    SMS = "sms"
    IM = "im"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last attempt, or no transport for the channel within the limit."""


class Notification(TenantEntity):
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=32)
    text = fields.TextField()
    link = fields.CharField(max_length=200, null=True)
    """The global id of what it is about (a document, a task, an incoming item, …)."""
    read_at: datetime | None = fields.DatetimeField(null=True)

    user_id: uuid.UUID

    class Meta:
        table = "notification"
        indexes = (("tenant_id", "user_id", "id"), ("tenant_id", "user_id", "read_at"))


class NotificationDelivery(TenantEntity):
    """One message on one channel: of a notification, or a day's digest (no notification).
    `key` is unique, so a message is queued once however often its cause is retried, and it
    goes to the transport as the message's idempotency key (Message-ID, Idempotency-Key)."""

    key = fields.CharField(max_length=120, unique=True)
    notification: fields.ForeignKeyNullableRelation[Notification] = fields.ForeignKeyField(
        "officecloud.Notification", related_name=False, null=True, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    channel = fields.CharEnumField(Channel, max_length=8)
    address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    link = fields.CharField(max_length=200, null=True)
    status = fields.CharEnumField(DeliveryStatus, max_length=8, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at: datetime = fields.DatetimeField()
    """Not before: quiet hours and backoff move it later."""
    sent_at: datetime | None = fields.DatetimeField(null=True)
    last_error: str | None = fields.TextField(null=True)

    notification_id: uuid.UUID | None
    user_id: uuid.UUID

    class Meta:
        table = "notification_delivery"
        indexes = (("status", "channel", "next_attempt_at"),)


class NotificationPreference(TenantEntity):
    """Which kinds go to which outbound channel, quiet hours and the digest. Without a row
    the defaults of `services/notifications/preferences.py` apply."""

    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    channels: dict[str, Any] = fields.JSONField(default=dict)
    """{channel: [kind, …]}: the kinds sent on each outbound channel."""
    quiet_start = fields.CharField(max_length=5, null=True)
    """`HH:MM` local time; outbound messages wait until `quiet_end`."""
    quiet_end = fields.CharField(max_length=5, null=True)
    time_zone = fields.CharField(max_length=64, default="Asia/Shanghai")
    digest_after_hours = fields.IntField(null=True)
    """Summarise notifications unread this long in one e-mail a day; None: no digest."""
    version = fields.IntField(default=1)

    user_id: uuid.UUID

    class Meta:
        table = "notification_preference"
