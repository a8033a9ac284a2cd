"""cancelCalendarEvent."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import CalendarEventPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import events


@strawberry.input(description="The event to cancel.")
class CancelCalendarEventInput:
    id: relay.GlobalID = strawberry.field(description="The event.")

    def to_command(self) -> Command[m.CalendarEvent]:
        return command(events.cancel_event, id=node_key(self.id, "CalendarEvent"))


@strawberry.mutation(description="Cancel an event; its invitees are told and its reminders stop.")
async def cancel_calendar_event(
    info: Info, input: Input[CancelCalendarEventInput]
) -> CalendarEventPayload:
    return CalendarEventPayload.of(await perform(info, input.to_command()))
