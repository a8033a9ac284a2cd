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


@strawberry.input(description="Changes to a user; omitted fields stay as they are.")
class UpdateUserInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the User.")
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="New display name."
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="New e-mail address; null clears it."
    )
    phone: str | None = strawberry.field(
        default=strawberry.UNSET, description="New phone number; null clears it."
    )
    title: str | None = strawberry.field(
        default=strawberry.UNSET, description="New job title; null clears it."
    )
    status: m.UserStatus | None = strawberry.field(
        default=strawberry.UNSET, description="New status."
    )
    external_subject: str | None = strawberry.field(
        default=strawberry.UNSET, description="The portal's subject to link; null unlinks."
    )
    org_unit_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET,
        description=("Global ids of the OrgUnits she belongs to, replacing the old."),
    )
    primary_org_unit_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of her primary OrgUnit (one of orgUnitIds).",
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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
