"""Personal office (个人辅助办公): calendar events (日程) with invitations, reminders, recurrence
and shares (授权), iCalendar feeds, notes (便签) and the personal address book."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from tortoise import fields

from models.base import TenantEntity


class EventStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class Response(StrEnum):
    """An invitee's answer (PARTSTAT in iCalendar)."""

    NEEDS_ACTION = "needs_action"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"


class CalendarEvent(TenantEntity):
    """One event in the calendar of a user, or with `rrule` the first occurrence of a series."""

    owner: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    location = fields.CharField(max_length=200, default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    all_day = fields.BooleanField(default=False)
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    """Where the rule repeats (a weekly 09:00 meeting stays at 09:00 local time)."""
    rrule = fields.CharField(max_length=500, null=True)
    """An RFC 5545 RRULE value (`FREQ=WEEKLY;BYDAY=MO`), null for a single event."""
    last_ends_at: datetime | None = fields.DatetimeField(null=True)
    """When the last occurrence ends; null for a series without end. Range reads use it."""
    remind_minutes: int | None = fields.IntField(null=True)
    """Minutes before each occurrence its people are reminded; null for none."""
    status = fields.CharEnumField(EventStatus, max_length=16, default=EventStatus.ACTIVE)
    version = fields.IntField(default=1)

    owner_id: uuid.UUID

    class Meta:
        table = "calendar_event"
        indexes = (("tenant_id", "owner_id", "starts_at"),)


class CalendarAttendee(TenantEntity):
    """A user invited to an event, with her answer."""

    event: fields.ForeignKeyRelation[CalendarEvent] = fields.ForeignKeyField(
        "officecloud.CalendarEvent", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    response = fields.CharEnumField(Response, max_length=16, default=Response.NEEDS_ACTION)
    responded_at: datetime | None = fields.DatetimeField(null=True)

    event_id: uuid.UUID
    user_id: uuid.UUID

    class Meta:
        table = "calendar_attendee"
        unique_together = (("event", "user"),)
        indexes = (("tenant_id", "user_id"),)


class CalendarReminder(TenantEntity):
    """The next reminder of an event: a durable timer claimed with FOR UPDATE SKIP LOCKED.
    Firing one schedules the next occurrence's."""

    event: fields.ForeignKeyRelation[CalendarEvent] = fields.ForeignKeyField(
        "officecloud.CalendarEvent", related_name=False, on_delete=fields.CASCADE
    )
    occurrence_at = fields.DatetimeField()
    due_at = fields.DatetimeField(db_index=True)
    fired_at: datetime | None = fields.DatetimeField(null=True)

    event_id: uuid.UUID

    class Meta:
        table = "calendar_reminder"
        unique_together = (("event", "occurrence_at"),)


class CalendarShare(TenantEntity):
    """授权: the owner lets a delegate (a secretary) see, or also edit, her calendar."""

    owner: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    delegate: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    can_edit = fields.BooleanField(default=False)

    owner_id: uuid.UUID
    delegate_id: uuid.UUID

    class Meta:
        table = "calendar_share"
        unique_together = (("owner", "delegate"),)


class CalendarFeed(TenantEntity):
    """A subscription URL (iCalendar) of the calendar of a user, its secret kept as a hash."""

    user: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, default="")
    token_hash = fields.CharField(max_length=64, unique=True)
    revoked_at: datetime | None = fields.DatetimeField(null=True)
    last_used_at: datetime | None = fields.DatetimeField(null=True)

    user_id: uuid.UUID

    class Meta:
        table = "calendar_feed"


class Note(TenantEntity):
    """便签: a personal sticky note."""

    owner: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    text = fields.TextField()
    colour = fields.CharField(max_length=7, default="#FFF4B8")
    pinned = fields.BooleanField(default=False)
    version = fields.IntField(default=1)

    owner_id: uuid.UUID

    class Meta:
        table = "note"
        indexes = (("tenant_id", "owner_id", "updated_at"),)


class Contact(TenantEntity):
    """An address-book entry beside the directory: personal (owner set), or shared with the
    whole tenant (owner null, kept by directory managers)."""

    owner: fields.ForeignKeyNullableRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE, null=True
    )
    name = fields.CharField(max_length=100)
    organisation = fields.CharField(max_length=200, default="")
    title = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=50, default="")
    email = fields.CharField(max_length=254, default="")
    remark = fields.CharField(max_length=500, default="")
    version = fields.IntField(default=1)

    owner_id: uuid.UUID | None

    class Meta:
        table = "contact"
        indexes = (("tenant_id", "owner_id", "name"),)
