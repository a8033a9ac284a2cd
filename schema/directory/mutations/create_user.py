"""createUser: a person in the directory."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import node_uuid, node_uuids
from schema.directory.payloads import UserPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="A new user.")
class CreateUserInput:
    username: str = strawberry.field(description="Sign-in name, unique in the tenant.")
    display_name: str = strawberry.field(description="Name shown to people; 1 to 100 characters.")
    org_unit_ids: list[relay.GlobalID] = strawberry.field(
        description=("Global ids of the OrgUnits she belongs to; the first is primary.")
    )
    primary_org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of orgUnitIds; the first one by default."
    )
    email: str | None = strawberry.field(default=None, description="E-mail address.")
    phone: str | None = strawberry.field(default=None, description="Phone number.")
    title: str | None = strawberry.field(default=None, description="Job title (职务).")
    external_subject: str | None = strawberry.field(
        default=None, description="The portal's subject (sub claim) to link for single sign-on."
    )

    def to_command(self) -> Command[m.User]:
        return command(
            s.create_user,
            username=self.username,
            display_name=self.display_name,
            org_unit_ids=node_uuids(self.org_unit_ids, "OrgUnit"),
            primary_org_unit_id=node_uuid(self.primary_org_unit_id, "OrgUnit"),
            email=self.email,
            phone=self.phone,
            title=self.title,
            external_subject=self.external_subject,
        )


@strawberry.mutation(description="Create a user in an org unit (directory.manage).")
async def create_user(info: Info, input: Input[CreateUserInput]) -> UserPayload:
    return UserPayload.of(await perform(info, input.to_command()))
