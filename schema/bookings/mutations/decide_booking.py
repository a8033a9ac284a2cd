"""decideBooking: a keeper approves or rejects."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import bookings as m
from resolvers.ids import node_key
from schema.bookings.payloads import BookingPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.bookings import bookings


@strawberry.input(description="A keeper's decision on a pending booking.")
class DecideBookingInput:
    id: relay.GlobalID = strawberry.field(description="The booking.")
    approve: bool = strawberry.field(description="true approves, false rejects (freeing the slot).")
    note: str | None = strawberry.field(
        default=None, description="A note to the booker (at most 500 characters)."
    )

    def to_command(self) -> Command[m.Booking]:
        return command(
            bookings.decide_booking,
            id=node_key(self.id, "Booking"),
            approve=self.approve,
            note=self.note,
        )


@strawberry.mutation(
    description="Approve or reject a booking waiting for approval (needs bookings.manage)."
)
async def decide_booking(info: Info, input: Input[DecideBookingInput]) -> BookingPayload:
    return BookingPayload.of(await perform(info, input.to_command()))
