"""The working-day calendar (工作日历) as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

import strawberry

from models.workdays import DayKind
from resolvers.workdays import CalendarView, Day, SetBy
from schema.types import describe_values

strawberry.enum(DayKind, name="CalendarDayKind", description="A holiday, or a workday (调休).")
describe_values(
    DayKind,
    {
        "HOLIDAY": "A day off that would be a workday.",
        "WORKDAY": "A workday that would be a weekend (调休).",
    },
)
strawberry.enum(
    SetBy,
    name="CalendarSetBy",
    description="Who decided a day: the weekly rule (WEEK), the platform's calendar, or the "
    "tenant's override.",
)
describe_values(
    SetBy,
    {
        "WEEK": "The ordinary week: Monday to Friday work.",
        "PLATFORM": "The platform's calendar (public holidays, 调休).",
        "TENANT": "The tenant's own override.",
    },
)


@strawberry.type(description="A working period of a day, local times (HH:MM).")
class WorkingPeriod:
    start: str = strawberry.field(description="Start time of day, HH:MM.")
    end: str = strawberry.field(description="End time of day, HH:MM.")

    @classmethod
    def all(cls, hours: Iterable[tuple[time, time]]) -> list[WorkingPeriod]:
        return [cls(start=a.strftime("%H:%M"), end=b.strftime("%H:%M")) for a, b in hours]


@strawberry.type(description="One day of the calendar.")
class CalendarDate:
    date: date = strawberry.field(description="The day (ISO 8601 date).")
    working: bool = strawberry.field(description="Whether it is a working day.")
    hours: list[WorkingPeriod] = strawberry.field(description="Empty on a day off.")
    name: str = strawberry.field(description="e.g. 国庆节 / National Day; empty for a plain day.")
    set_by: SetBy = strawberry.field(description="What decided it.")

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
    timezone: str = strawberry.field(
        description="IANA time zone of the calendar, e.g. Asia/Shanghai."
    )
    hours: list[WorkingPeriod] = strawberry.field(description="Of a usual working day.")
    weekend: list[int] = strawberry.field(description="Weekday numbers, Monday 0.")
    days: list[CalendarDate] = strawberry.field(description="The days asked for.")

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
