"""setCalendarDays: holidays and make-up workdays (调休)."""

from __future__ import annotations

from datetime import date

import strawberry

from models.workdays import DayKind
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.workdays.payloads import WorkCalendarPayload
from schema.workdays.types import WorkingPeriodInput
from services import workdays


@strawberry.input(description="One day of the calendar.")
class CalendarDayInput:
    date: date = strawberry.field(description="The day (ISO 8601 date).")
    kind: DayKind = strawberry.field(description="A holiday, or a workday (调休).")
    name: str = strawberry.field(default="", description="Its name, e.g. 国庆节.")
    hours: list[WorkingPeriodInput] | None = strawberry.field(
        default=None, description="A workday's own hours (a half day); default: the usual."
    )


@strawberry.input(description="Set days of the working-day calendar (工作日历).")
class SetCalendarDaysInput:
    days: list[CalendarDayInput] = strawberry.field(description="The days; at most 400.")

    def to_command(self) -> Command[workdays.Merged]:
        return command(
            workdays.set_days,
            days=[
                workdays.DayInput(
                    d.date,
                    d.kind,
                    d.name,
                    [(p.start, p.end) for p in d.hours] if d.hours is not None else None,
                )
                for d in self.days
            ],
        )


@strawberry.mutation(
    description="Mark days as holidays or workdays (调休) in your tenant's calendar: the "
    "platform's for the platform administrator (over what chinesecalendar seeded), the "
    "tenant's overrides for a tenant administrator. At most 400 days at once."
)
async def set_calendar_days(info: Info, input: Input[SetCalendarDaysInput]) -> WorkCalendarPayload:
    return WorkCalendarPayload.of(await perform(info, input.to_command()))
