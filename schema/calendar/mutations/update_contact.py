"""updateContact: fields not sent stay."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import keep, node_key
from schema.calendar.payloads import ContactPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import contacts


@strawberry.input(description="Changes to a contact; fields not sent stay.")
class UpdateContactInput:
    id: relay.GlobalID = strawberry.field(description="The contact.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    organisation: str | None = strawberry.field(
        default=strawberry.UNSET, description="New organisation."
    )
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New position.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="New phone number.")
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="New e-mail address."
    )
    remark: str | None = strawberry.field(default=strawberry.UNSET, description="New remark.")
    expected_version: int | None = strawberry.field(
        default=None, description="The version you read; CONFLICT if it changed."
    )

    def to_command(self) -> Command[m.Contact]:
        return command(
            contacts.update_contact,
            id=node_key(self.id, "Contact"),
            name=keep(self.name),
            organisation=keep(self.organisation),
            title=keep(self.title),
            phone=keep(self.phone),
            email=keep(self.email),
            remark=keep(self.remark),
            expected_version=self.expected_version,
        )


@strawberry.mutation(
    description="Change a contact of yours (or a shared one, with directory.manage)."
)
async def update_contact(info: Info, input: Input[UpdateContactInput]) -> ContactPayload:
    return ContactPayload.of(await perform(info, input.to_command()))
