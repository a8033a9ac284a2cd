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


@strawberry.input
class CreateUserInput:
    username: str
    display_name: str
    org_unit_ids: list[relay.GlobalID]
    primary_org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of orgUnitIds; the first one by default."
    )
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    external_subject: str | None = None

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


@strawberry.mutation
async def create_user(info: Info, input: Input[CreateUserInput]) -> UserPayload:
    return UserPayload.of(await perform(info, input.to_command()))
