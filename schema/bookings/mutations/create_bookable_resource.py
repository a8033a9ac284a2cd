"""createBookableResource: a meeting room, vehicle or piece of equipment."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from models import bookings as m
from schema.bookings.payloads import BookableResourcePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.workdays.types import WorkingPeriodInput
from services.bookings import resources


@strawberry.input(description="A new bookable resource.")
class CreateBookableResourceInput:
    kind: m.ResourceKind = strawberry.field(description="What it is.")
    name: str = strawberry.field(description="Unique in the tenant (at most 100 characters).")
    location: str | None = strawberry.field(default=None, description="Where it is.")
    capacity: int | None = strawberry.field(default=None, description="Seats, 1 to 10000.")
    attributes: JSON | None = strawberry.field(
        default=None, description='Features, e.g. {"projector": true} (at most 50 keys).'
    )
    opening_hours: list[WorkingPeriodInput] | None = strawberry.field(
        default=None, description="Bookable periods of a day, in order; default: all day."
    )
    open_weekdays: list[int] | None = strawberry.field(
        default=None, description="Weekday numbers (Monday 0); default: every day."
    )
    timezone: str = strawberry.field(
        default="Asia/Shanghai", description="IANA zone of the opening hours."
    )
    requires_approval: bool = strawberry.field(
        default=False, description="Bookings wait for a keeper's approval (bookings.manage)."
    )

    def to_command(self) -> Command[m.Resource]:
        hours = self.opening_hours
        return command(
            resources.create_resource,
            kind=self.kind,
            name=self.name,
            location=self.location,
            capacity=self.capacity,
            attributes=cast(dict[str, Any] | None, self.attributes),
            opening_hours=[(p.start, p.end) for p in hours] if hours else None,
            open_weekdays=self.open_weekdays,
            timezone=self.timezone,
            requires_approval=self.requires_approval,
        )


@strawberry.mutation(description="Add a bookable resource (公共事务; needs bookings.manage).")
async def create_bookable_resource(
    info: Info, input: Input[CreateBookableResourceInput]
) -> BookableResourcePayload:
    return BookableResourcePayload.of(await perform(info, input.to_command()))
