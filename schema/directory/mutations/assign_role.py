"""assignRole: a role for a user, anchored at a unit."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import node_key, node_uuid
from schema.directory.payloads import RoleAssignmentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Give a user a role.")
class AssignRoleInput:
    user_id: relay.GlobalID = strawberry.field(description="Global id of the User.")
    role_id: relay.GlobalID = strawberry.field(description="Global id of the Role.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Anchor for unit-scoped roles; default: the user's own units."
    )

    def to_command(self) -> Command[m.RoleAssignment]:
        return command(
            s.assign_role,
            user_id=node_key(self.user_id, "User"),
            role_id=node_key(self.role_id, "Role"),
            org_unit_id=node_uuid(self.org_unit_id, "OrgUnit"),
        )


@strawberry.mutation(
    description=("Give a user a role (may not reach further than your own grants).")
)
async def assign_role(info: Info, input: Input[AssignRoleInput]) -> RoleAssignmentPayload:
    return await RoleAssignmentPayload.of(await perform(info, input.to_command()))
