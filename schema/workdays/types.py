"""The working-day calendar (工作日历) as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

import strawberry

from models.workdays import DayKind
from resolvers.workdays import CalendarView, Day, SetBy

strawberry.enum(DayKind, name="CalendarDayKind", description="A holiday, or a workday (调休).")
strawberry.enum(
    SetBy,
    name="CalendarSetBy",
    description="Who decided a day: the weekly rule (WEEK), the platform's calendar, or the "
    "tenant's override.",
)


@strawberry.type(description="A working period of a day, local times (HH:MM).")
class WorkingPeriod:
    start: str
    end: str

    @classmethod
    def all(cls, hours: Iterable[tuple[time, time]]) -> list[WorkingPeriod]:
        return [cls(start=a.strftime("%H:%M"), end=b.strftime("%H:%M")) for a, b in hours]


@strawberry.type(description="One day of the calendar.")
class CalendarDate:
    date: date
    working: bool
    hours: list[WorkingPeriod] = strawberry.field(description="Empty on a day off.")
    name: str = strawberry.field(description="e.g. 国庆节 / National Day; empty for a plain day.")
    set_by: SetBy

    @classmethod
    def of(cls, day: Day) -> CalendarDate:
        return cls(
            date=day.day,
            working=bool(day.hours),
            hours=WorkingPeriod.all(day.hours),
            name=day.name,
            set_by=day.set_by,
        )


@strawberry.type(
    name="WorkCalendar",
    description="工作日历: the working days and hours deadlines in working time count on "
    "(the platform's, with the tenant's overrides).",
)
class WorkCalendar:
    timezone: str
    hours: list[WorkingPeriod] = strawberry.field(description="Of a usual working day.")
    weekend: list[int] = strawberry.field(description="Weekday numbers, Monday 0.")
    days: list[CalendarDate]

    @classmethod
    def of(cls, view: CalendarView) -> WorkCalendar:
        cal = view.calendar
        return cls(
            timezone=cal.timezone,
            hours=WorkingPeriod.all(cal.hours),
            weekend=sorted(cal.weekend),
            days=[CalendarDate.of(d) for d in view.days],
        )


@strawberry.input(description="A working period, local times.")
class WorkingPeriodInput:
    start: str = strawberry.field(description="HH:MM")
    end: str = strawberry.field(description="HH:MM")
