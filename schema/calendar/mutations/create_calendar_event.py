"""createCalendarEvent: an event, a meeting invitation, a recurring series."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_uuid, node_uuids
from schema.calendar.payloads import CalendarEventPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import events


@strawberry.input(description="A new calendar event.")
class CreateCalendarEventInput:
    title: str = strawberry.field(description="What it is (at most 200 characters).")
    starts_at: datetime = strawberry.field(
        description="Start (of the first occurrence), with offset."
    )
    ends_at: datetime = strawberry.field(
        description="End (of the first occurrence), after the start; at most 31 days later."
    )
    owner_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="A leader whose calendar the viewer may edit (授权); default: her own.",
    )
    all_day: bool = strawberry.field(default=False, description="Shown as whole days.")
    location: str | None = strawberry.field(default=None, description="Where.")
    description: str | None = strawberry.field(
        default=None, description="Free text (at most 10000 characters)."
    )
    timezone: str | None = strawberry.field(
        default=None, description="IANA zone the rule repeats in; default Asia/Shanghai."
    )
    rrule: str | None = strawberry.field(
        default=None,
        description="RFC 5545 RRULE value for a series, e.g. `FREQ=WEEKLY;BYDAY=MO;COUNT=10` "
        "(DAILY, WEEKLY, MONTHLY or YEARLY).",
    )
    remind_minutes: int | None = strawberry.field(
        default=None, description="Remind this many minutes before each occurrence (0 to 10080)."
    )
    attendee_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Users invited (会议邀请), at most 200."
    )

    def to_command(self) -> Command[m.CalendarEvent]:
        return command(
            events.create_event,
            title=self.title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            owner_id=node_uuid(self.owner_id, "User"),
            all_day=self.all_day,
            location=self.location,
            description=self.description,
            timezone=self.timezone,
            rrule=self.rrule,
            remind_minutes=self.remind_minutes,
            attendee_ids=node_uuids(self.attendee_ids, "User"),
        )


@strawberry.mutation(
    description="Add an event to your calendar (or to a leader's you edit), inviting users; "
    "they are told (`calendar.invited`) and answer with `respondToInvitation`."
)
async def create_calendar_event(
    info: Info, input: Input[CreateCalendarEventInput]
) -> CalendarEventPayload:
    return CalendarEventPayload.of(await perform(info, input.to_command()))
