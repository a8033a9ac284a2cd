"""createContact: personal, or shared with the tenant."""

from __future__ import annotations

import strawberry

from models import calendar as m
from schema.calendar.payloads import ContactPayload
from schema.mutations import Command, Input, command, perform
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


@strawberry.mutation(
    description="Add a contact to your address book, or to the tenant's (`shared`)."
)
async def create_contact(info: Info, input: Input[CreateContactInput]) -> ContactPayload:
    return ContactPayload.of(await perform(info, input.to_command()))
