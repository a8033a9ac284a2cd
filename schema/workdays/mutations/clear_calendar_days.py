"""clearCalendarDays: back to the level below."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.workdays.payloads import WorkCalendarPayload
from services import workdays


@strawberry.input(description="Remove days set in the calendar.")
class ClearCalendarDaysInput:
    dates: list[date] = strawberry.field(description="The days (ISO 8601 dates); at most 400.")

    def to_command(self) -> Command[workdays.Merged]:
        return command(workdays.clear_days, days=self.dates)


@strawberry.mutation(
    description="Remove days from your tenant's calendar: a tenant's follow the platform's "
    "again, the platform's the weekly rule."
)
async def clear_calendar_days(
    info: Info, input: Input[ClearCalendarDaysInput]
) -> WorkCalendarPayload:
    return WorkCalendarPayload.of(await perform(info, input.to_command()))
