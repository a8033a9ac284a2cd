"""The working-day calendar (工作日历): the platform's (rows of the platform tenant) and each
tenant's overrides: days that differ from the weekly rule (public holidays, make-up workdays
调休, half days) and the working hours. `services/workdays.py` merges them for a tenant."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tortoise import fields

from models.base import TenantEntity


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    """No working hours (a public holiday, a local day off)."""
    WORKDAY = "workday"
    """Worked, with the usual hours unless the day names its own (调休, a half day)."""


class DaySource(StrEnum):
    SEED = "seed"
    """From the `chinesecalendar` package (`officecloud workdays seed`)."""
    ADMIN = "admin"
    """Entered by an administrator; seeding never overwrites it."""


class CalendarDay(TenantEntity):
    day: date = fields.DateField()
    kind = fields.CharEnumField(DayKind, max_length=16)
    name = fields.CharField(max_length=100, default="")
    hours: list[list[str]] | None = fields.JSONField(null=True)
    """A workday's own hours, [["09:00", "12:00"], …]; null for the usual ones."""
    source = fields.CharEnumField(DaySource, max_length=16, default=DaySource.ADMIN)

    class Meta:
        table = "calendar_day"
        unique_together = (("tenant", "day"),)


class WorkSchedule(TenantEntity):
    """Working hours, weekend and time zone. Null fields of a tenant follow the platform."""

    timezone = fields.CharField(max_length=64, null=True)
    hours: list[list[str]] | None = fields.JSONField(null=True)
    weekend: list[int] | None = fields.JSONField(null=True)
    """Weekday numbers, Monday 0."""
    version = fields.IntField(default=1)

    class Meta:
        table = "work_schedule"
        unique_together = (("tenant",),)
