"""What the public affairs mutations answer."""

from __future__ import annotations

import strawberry

from models import bookings as m
from schema.bookings.types import BookableResource, Booking
from schema.errors import UserError, user_errors
from schema.mutations import Outcome


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class BookableResourcePayload:
    resource: BookableResource | None = strawberry.field(description="The resource as it is now.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.Resource]) -> BookableResourcePayload:
        row, problems = outcome
        return cls(
            resource=BookableResource.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class BookingPayload:
    booking: Booking | None = strawberry.field(description="The booking as it is now.")
    errors: list[UserError] = strawberry.field(
        description="A clash with another booking is CONFLICT, naming it in the message."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Booking]) -> BookingPayload:
        row, problems = outcome
        return cls(booking=Booking.from_model(row) if row else None, errors=user_errors(problems))
