"""setWorkingHours: the working hours, weekend and time zone."""

from __future__ import annotations

import strawberry

from resolvers.ids import keep
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.workdays.payloads import WorkCalendarPayload
from schema.workdays.types import WorkingPeriodInput
from services import workdays


@strawberry.input(description="The working hours deadlines in working time count.")
class SetWorkingHoursInput:
    hours: list[WorkingPeriodInput] | None = strawberry.field(
        default=strawberry.UNSET, description="A usual working day; null: the platform's."
    )
    weekend: list[int] | None = strawberry.field(
        default=strawberry.UNSET, description="Weekday numbers, Monday 0; null: the platform's."
    )
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="e.g. Asia/Shanghai; null: the platform's."
    )

    def to_command(self) -> Command[workdays.Merged]:
        hours = self.hours
        return command(
            workdays.set_schedule,
            hours=[(p.start, p.end) for p in hours] if isinstance(hours, list) else keep(hours),
            weekend=keep(self.weekend),
            timezone=keep(self.timezone),
        )


@strawberry.mutation(
    description="Your tenant's working hours, weekend and time zone (the platform's for the "
    "platform administrator); fields not sent stay."
)
async def set_working_hours(info: Info, input: Input[SetWorkingHoursInput]) -> WorkCalendarPayload:
    return WorkCalendarPayload.of(await perform(info, input.to_command()))
