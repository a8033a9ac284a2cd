"""Public affairs (公共事务): bookable resources (meeting rooms, vehicles, equipment) and their
bookings. No two active bookings of one resource overlap: on PostgreSQL an exclusion
constraint (`booking_no_overlap`, migration 0015) guarantees it, on SQLite the booking
service checks under the database's write lock."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields

from models.base import TenantEntity


class ResourceKind(StrEnum):
    MEETING_ROOM = "meeting_room"
    VEHICLE = "vehicle"
    EQUIPMENT = "equipment"


class BookingStatus(StrEnum):
    PENDING = "pending"
    """Waits for a keeper's approval; holds the slot meanwhile."""
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


ACTIVE_BOOKINGS = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
"""The statuses that hold a slot (the exclusion constraint's WHERE)."""


class Resource(TenantEntity):
    kind = fields.CharEnumField(ResourceKind, max_length=16)
    name = fields.CharField(max_length=100)
    location = fields.CharField(max_length=200, default="")
    capacity: int | None = fields.IntField(null=True)
    """Seats (rooms, vehicles); null where it does not apply."""
    attributes: dict[str, Any] = fields.JSONField(default=dict)
    """Free-form features: {"projector": true, "plate": "粤A·12345"}."""
    opening_hours: list[list[str]] = fields.JSONField(default=list)
    """Bookable periods of a day, local times [["08:00", "18:00"]]; empty: all day."""
    open_weekdays: list[int] = fields.JSONField(default=list)
    """Weekday numbers (Monday 0) it may be booked on; empty: every day."""
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    requires_approval = fields.BooleanField(default=False)
    active = fields.BooleanField(default=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "bookable_resource"
        unique_together = (("tenant", "name"),)


class Booking(TenantEntity):
    resource: fields.ForeignKeyRelation[Resource] = fields.ForeignKeyField(
        "officecloud.Resource", related_name=False, on_delete=fields.RESTRICT
    )
    booker: fields.ForeignKeyRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(BookingStatus, max_length=16)
    event: fields.ForeignKeyNullableRelation[TenantEntity] = fields.ForeignKeyField(
        "officecloud.CalendarEvent", related_name=False, on_delete=fields.SET_NULL, null=True
    )
    """The calendar invitation the booking is for (会议 → 会议室)."""
    decided_by_id: uuid.UUID | None = fields.UUIDField(null=True)
    decision_note = fields.CharField(max_length=500, default="")
    version = fields.IntField(default=1)

    resource_id: uuid.UUID
    booker_id: uuid.UUID
    event_id: uuid.UUID | None

    class Meta:
        table = "booking"
        indexes = (("tenant_id", "resource_id", "starts_at"), ("tenant_id", "booker_id"))
