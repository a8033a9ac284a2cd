"""unshareCalendar: withdrawn by the owner or given up by the delegate."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import CalendarSharePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import shares


@strawberry.input(description="The share to end.")
class UnshareCalendarInput:
    id: relay.GlobalID = strawberry.field(description="The share.")

    def to_command(self) -> Command[m.CalendarShare]:
        return command(shares.unshare_calendar, id=node_key(self.id, "CalendarShare"))


@strawberry.mutation(
    description="End a share: its owner withdraws it, or its delegate gives it up."
)
async def unshare_calendar(info: Info, input: Input[UnshareCalendarInput]) -> CalendarSharePayload:
    return CalendarSharePayload.of(await perform(info, input.to_command()))
