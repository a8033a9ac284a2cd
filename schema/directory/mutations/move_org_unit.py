"""moveOrgUnit: an org unit with its subtree under a new parent."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import node_key, node_uuid
from schema.directory.payloads import OrgUnitPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Move an org unit under another (or to the root).")
class MoveOrgUnitInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the OrgUnit to move.")
    new_parent_id: relay.GlobalID | None = strawberry.field(
        description="Null makes it a root unit."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.OrgUnit]:
        return command(
            s.move_org_unit,
            id=node_key(self.id, "OrgUnit"),
            new_parent_id=node_uuid(self.new_parent_id, "OrgUnit"),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Move an org unit with its whole subtree under a new parent.")
async def move_org_unit(info: Info, input: Input[MoveOrgUnitInput]) -> OrgUnitPayload:
    return OrgUnitPayload.of(await perform(info, input.to_command()))
