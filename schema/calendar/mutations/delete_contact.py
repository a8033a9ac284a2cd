"""deleteContact."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import ContactPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import contacts


@strawberry.input(description="The contact to delete.")
class DeleteContactInput:
    id: relay.GlobalID = strawberry.field(description="The contact.")

    def to_command(self) -> Command[m.Contact]:
        return command(contacts.delete_contact, id=node_key(self.id, "Contact"))


@strawberry.mutation(
    description="Delete a contact of yours (or a shared one, with directory.manage)."
)
async def delete_contact(info: Info, input: Input[DeleteContactInput]) -> ContactPayload:
    return ContactPayload.of(await perform(info, input.to_command()))
