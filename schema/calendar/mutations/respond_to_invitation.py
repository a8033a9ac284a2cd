"""respondToInvitation: accept, decline or tentative."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import CalendarEventPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import events


@strawberry.input(description="An answer to a meeting invitation.")
class RespondToInvitationInput:
    id: relay.GlobalID = strawberry.field(description="The event you are invited to.")
    response: m.Response = strawberry.field(description="ACCEPTED, DECLINED or TENTATIVE.")

    def to_command(self) -> Command[m.CalendarEvent]:
        return command(
            events.respond, id=node_key(self.id, "CalendarEvent"), response=self.response
        )


@strawberry.mutation(
    description="Answer an invitation; the organiser is told (`calendar.responded`)."
)
async def respond_to_invitation(
    info: Info, input: Input[RespondToInvitationInput]
) -> CalendarEventPayload:
    return CalendarEventPayload.of(await perform(info, input.to_command()))
