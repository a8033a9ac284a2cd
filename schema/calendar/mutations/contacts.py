"""createContact / updateContact / deleteContact: the address book beside the directory."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import keep, node_key
from schema.calendar.payloads import ContactPayload
from schema.mutations import Command, command, perform
from schema.types import Info
from services.calendar import contacts


@strawberry.input(description="A new contact.")
class CreateContactInput:
    name: str = strawberry.field(description="The person's name (at most 100 characters).")
    shared: bool = strawberry.field(
        default=False,
        description="In the tenant's address book (needs directory.manage) rather than yours.",
    )
    organisation: str | None = strawberry.field(default=None, description="Where she works.")
    title: str | None = strawberry.field(default=None, description="Her position.")
    phone: str | None = strawberry.field(default=None, description="Phone number.")
    email: str | None = strawberry.field(default=None, description="E-mail address.")
    remark: str | None = strawberry.field(
        default=None, description="Free text (at most 500 characters)."
    )

    def to_command(self) -> Command[m.Contact]:
        return command(
            contacts.create_contact,
            name=self.name,
            shared=self.shared,
            organisation=self.organisation,
            title=self.title,
            phone=self.phone,
            email=self.email,
            remark=self.remark,
        )


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


@strawberry.input(description="The contact to delete.")
class DeleteContactInput:
    id: relay.GlobalID = strawberry.field(description="The contact.")

    def to_command(self) -> Command[m.Contact]:
        return command(contacts.delete_contact, id=node_key(self.id, "Contact"))


@strawberry.mutation(
    description="Add a contact to your address book, or to the tenant's (`shared`)."
)
async def create_contact(info: Info, input: CreateContactInput) -> ContactPayload:
    return ContactPayload.of(await perform(info, input.to_command()))


@strawberry.mutation(
    description="Change a contact of yours (or a shared one, with directory.manage)."
)
async def update_contact(info: Info, input: UpdateContactInput) -> ContactPayload:
    return ContactPayload.of(await perform(info, input.to_command()))


@strawberry.mutation(
    description="Delete a contact of yours (or a shared one, with directory.manage)."
)
async def delete_contact(info: Info, input: DeleteContactInput) -> ContactPayload:
    return ContactPayload.of(await perform(info, input.to_command()))
