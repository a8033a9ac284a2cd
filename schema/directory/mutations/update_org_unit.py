"""updateOrgUnit: name, code, leader or order of an org unit."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import keep, keep_id, node_key
from schema.directory.payloads import OrgUnitPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Changes to an org unit; omitted fields stay as they are.")
class UpdateOrgUnitInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the OrgUnit.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    code: str | None = strawberry.field(
        default=strawberry.UNSET, description="New code, unique in the tenant."
    )
    external_id: str | None = strawberry.field(
        default=strawberry.UNSET, description="The portal directory's id; null clears it."
    )
    leader_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="Global id of the User who leads it; null clears it."
    )
    sort_order: int | None = strawberry.field(
        default=strawberry.UNSET, description="New position among its siblings."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the unit is still this version."
    )

    def to_command(self) -> Command[m.OrgUnit]:
        return command(
            s.update_org_unit,
            id=node_key(self.id, "OrgUnit"),
            name=keep(self.name),
            code=keep(self.code),
            external_id=keep(self.external_id),
            leader_id=keep_id(self.leader_id, "User"),
            sort_order=keep(self.sort_order),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Change an org unit's name, code, leader or order.")
async def update_org_unit(info: Info, input: Input[UpdateOrgUnitInput]) -> OrgUnitPayload:
    return OrgUnitPayload.of(await perform(info, input.to_command()))
