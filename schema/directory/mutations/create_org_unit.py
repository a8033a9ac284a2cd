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


@strawberry.input
class CreateOrgUnitInput:
    name: str
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Null creates a root unit."
    )
    code: str | None = None
    external_id: str | None = None
    leader_id: relay.GlobalID | None = None
    sort_order: int = 0

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
