"""changeBooking: move or rename."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import bookings as m
from resolvers.ids import keep, node_key
from schema.bookings.payloads import BookingPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.bookings import bookings


@strawberry.input(description="Changes to a booking; fields not sent stay.")
class ChangeBookingInput:
    id: relay.GlobalID = strawberry.field(description="The booking.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New title.")
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="New start."
    )
    ends_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="New end.")
    expected_version: int | None = strawberry.field(
        default=None, description="The version you read; CONFLICT if it changed."
    )

    def to_command(self) -> Command[m.Booking]:
        return command(
            bookings.change_booking,
            id=node_key(self.id, "Booking"),
            title=keep(self.title),
            starts_at=keep(self.starts_at),
            ends_at=keep(self.ends_at),
            expected_version=self.expected_version,
        )


@strawberry.mutation(
    description="Move or rename your booking (or any, as a keeper); a clash is CONFLICT, and a "
    "move of one needing approval waits for it again."
)
async def change_booking(info: Info, input: Input[ChangeBookingInput]) -> BookingPayload:
    return BookingPayload.of(await perform(info, input.to_command()))
