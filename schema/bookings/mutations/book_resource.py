"""bookResource: a slot of a resource, never over another booking."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import bookings as m
from resolvers.ids import node_key, node_uuid
from schema.bookings.payloads import BookingPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.bookings import bookings


@strawberry.input(description="A booking to make.")
class BookResourceInput:
    resource_id: relay.GlobalID = strawberry.field(description="The resource.")
    title: str = strawberry.field(description="What it is for (at most 200 characters).")
    starts_at: datetime = strawberry.field(
        description="Start (inclusive), with offset, within opening hours."
    )
    ends_at: datetime = strawberry.field(
        description="End (exclusive); at most 14 days after the start."
    )
    event_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The calendar event (meeting invitation) it is for; one you may edit.",
    )

    def to_command(self) -> Command[m.Booking]:
        return command(
            bookings.book,
            resource_id=node_key(self.resource_id, "BookableResource"),
            title=self.title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            event_id=node_uuid(self.event_id, "CalendarEvent"),
        )


@strawberry.mutation(
    description="Book a resource. A slot overlapping another active booking is refused with "
    "CONFLICT naming it (the database guarantees it under concurrency); a resource that needs "
    "approval gives a PENDING booking that holds the slot."
)
async def book_resource(info: Info, input: Input[BookResourceInput]) -> BookingPayload:
    return BookingPayload.of(await perform(info, input.to_command()))
