"""cancelBooking: the slot is free again."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import bookings as m
from resolvers.ids import node_key
from schema.bookings.payloads import BookingPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.bookings import bookings


@strawberry.input(description="The booking to cancel.")
class CancelBookingInput:
    id: relay.GlobalID = strawberry.field(description="The booking.")
    reason: str | None = strawberry.field(default=None, description="Why (at most 500 characters).")

    def to_command(self) -> Command[m.Booking]:
        return command(bookings.cancel_booking, id=node_key(self.id, "Booking"), reason=self.reason)


@strawberry.mutation(
    description="Cancel your booking (or any, as a keeper); its slot is free again."
)
async def cancel_booking(info: Info, input: Input[CancelBookingInput]) -> BookingPayload:
    return BookingPayload.of(await perform(info, input.to_command()))
