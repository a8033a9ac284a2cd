"""updateBookableResource: fields not sent stay."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import bookings as m
from resolvers.ids import keep, node_key
from schema.bookings.payloads import BookableResourcePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.workdays.types import WorkingPeriodInput
from services.bookings import resources
from services.inputs import KEEP


@strawberry.input(description="Changes to a bookable resource; fields not sent stay.")
class UpdateBookableResourceInput:
    id: relay.GlobalID = strawberry.field(description="The resource.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    location: str | None = strawberry.field(default=strawberry.UNSET, description="New location.")
    capacity: int | None = strawberry.field(
        default=strawberry.UNSET, description="New seats; null: not applicable."
    )
    attributes: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New features (replace the old)."
    )
    opening_hours: list[WorkingPeriodInput] | None = strawberry.field(
        default=strawberry.UNSET, description="New bookable periods; empty: all day."
    )
    open_weekdays: list[int] | None = strawberry.field(
        default=strawberry.UNSET, description="New open weekdays; empty: every day."
    )
    timezone: str | None = strawberry.field(default=strawberry.UNSET, description="New IANA zone.")
    requires_approval: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Bookings wait for a keeper."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="false: takes no new bookings."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The version you read; CONFLICT if it changed."
    )

    def to_command(self) -> Command[m.Resource]:
        hours = self.opening_hours
        return command(
            resources.update_resource,
            id=node_key(self.id, "BookableResource"),
            name=keep(self.name),
            location=keep(self.location),
            capacity=keep(self.capacity),
            attributes=keep(self.attributes),
            opening_hours=[(p.start, p.end) for p in hours] if isinstance(hours, list) else KEEP,
            open_weekdays=keep(self.open_weekdays),
            timezone=keep(self.timezone),
            requires_approval=keep(self.requires_approval),
            active=keep(self.active),
            expected_version=self.expected_version,
        )


@strawberry.mutation(
    description="Change a bookable resource (needs bookings.manage); bookings made stay."
)
async def update_bookable_resource(
    info: Info, input: Input[UpdateBookableResourceInput]
) -> BookableResourcePayload:
    return BookableResourcePayload.of(await perform(info, input.to_command()))
