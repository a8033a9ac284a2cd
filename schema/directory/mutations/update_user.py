"""updateUser: a person's details, units and status."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import keep, keep_id, node_key, node_uuids
from schema.directory.payloads import UserPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input
class UpdateUserInput:
    id: relay.GlobalID
    display_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    status: m.UserStatus | None = strawberry.UNSET
    external_subject: str | None = strawberry.UNSET
    org_unit_ids: list[relay.GlobalID] | None = strawberry.UNSET
    primary_org_unit_id: relay.GlobalID | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self) -> Command[m.User]:
        units = keep(self.org_unit_ids)
        return command(
            s.update_user,
            id=node_key(self.id, "User"),
            display_name=keep(self.display_name),
            email=keep(self.email),
            phone=keep(self.phone),
            title=keep(self.title),
            status=keep(self.status),
            external_subject=keep(self.external_subject),
            org_unit_ids=units if not units else node_uuids(units, "OrgUnit"),
            primary_org_unit_id=keep_id(self.primary_org_unit_id, "OrgUnit"),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Change a user; status DISABLED stops their sign-in.")
async def update_user(info: Info, input: Input[UpdateUserInput]) -> UserPayload:
    return UserPayload.of(await perform(info, input.to_command()))
