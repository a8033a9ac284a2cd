"""createOrgUnit: a root unit, or one under a parent."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import node_uuid
from schema.directory.payloads import OrgUnitPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="A new org unit (组织机构).")
class CreateOrgUnitInput:
    name: str = strawberry.field(description="Display name; 1 to 200 characters.")
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Null creates a root unit."
    )
    code: str | None = strawberry.field(
        default=None, description="Short code, unique in the tenant."
    )
    external_id: str | None = strawberry.field(
        default=None, description="The portal directory's id, if synchronised."
    )
    leader_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of the User who leads it."
    )
    sort_order: int = strawberry.field(
        default=0, description="Position among its siblings, ascending (default 0)."
    )

    def to_command(self) -> Command[m.OrgUnit]:
        return command(
            s.create_org_unit,
            name=self.name,
            parent_id=node_uuid(self.parent_id, "OrgUnit"),
            code=self.code,
            external_id=self.external_id,
            leader_id=node_uuid(self.leader_id, "User"),
            sort_order=self.sort_order,
        )


@strawberry.mutation(description="Create an org unit (root, or under a parent).")
async def create_org_unit(info: Info, input: Input[CreateOrgUnitInput]) -> OrgUnitPayload:
    return OrgUnitPayload.of(await perform(info, input.to_command()))
