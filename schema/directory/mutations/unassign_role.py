"""unassignRole: remove a role assignment."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from resolvers.ids import node_key
from schema.directory.payloads import RoleAssignmentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Take a role from a user.")
class UnassignRoleInput:
    id: relay.GlobalID = strawberry.field(description="The role assignment to remove.")

    def to_command(self) -> Command[m.RoleAssignment]:
        return command(s.unassign_role, id=node_key(self.id, "RoleAssignment"))


@strawberry.mutation(description="Take a role from a user.")
async def unassign_role(info: Info, input: Input[UnassignRoleInput]) -> RoleAssignmentPayload:
    return await RoleAssignmentPayload.of(await perform(info, input.to_command()))
