"""updateCalendarEvent: change what was sent, keep the rest."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import keep, node_key, node_uuids
from schema.calendar.payloads import CalendarEventPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import events
from services.inputs import KEEP


@strawberry.input(description="Changes to an event; fields not sent stay.")
class UpdateCalendarEventInput:
    id: relay.GlobalID = strawberry.field(description="The event.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New title.")
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="New start."
    )
    ends_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="New end.")
    all_day: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Shown as whole days."
    )
    location: str | None = strawberry.field(
        default=strawberry.UNSET, description="New location; null clears it."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New text; null clears it."
    )
    timezone: str | None = strawberry.field(default=strawberry.UNSET, description="New IANA zone.")
    rrule: str | None = strawberry.field(
        default=strawberry.UNSET, description="New RRULE; null makes it a single event."
    )
    remind_minutes: int | None = strawberry.field(
        default=strawberry.UNSET, description="New reminder lead; null: none."
    )
    attendee_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The invitees from now on (new ones are invited, dropped ones uninvited).",
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The version you read; CONFLICT if it changed."
    )

    def to_command(self) -> Command[m.CalendarEvent]:
        attendees = self.attendee_ids
        return command(
            events.update_event,
            id=node_key(self.id, "CalendarEvent"),
            title=keep(self.title),
            starts_at=keep(self.starts_at),
            ends_at=keep(self.ends_at),
            all_day=keep(self.all_day),
            location=keep(self.location),
            description=keep(self.description),
            timezone=keep(self.timezone),
            rrule=keep(self.rrule),
            remind_minutes=keep(self.remind_minutes),
            attendee_ids=node_uuids(attendees, "User") if isinstance(attendees, list) else KEEP,
            expected_version=self.expected_version,
        )


@strawberry.mutation(
    description="Change an event of your calendar (or of a leader's you edit). A new time asks "
    "the invitees to answer again."
)
async def update_calendar_event(
    info: Info, input: Input[UpdateCalendarEventInput]
) -> CalendarEventPayload:
    return CalendarEventPayload.of(await perform(info, input.to_command()))
