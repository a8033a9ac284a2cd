"""deleteRole: a custom role nobody holds."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.directory.payloads import DeletePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Delete a role nobody holds.")
class DeleteRoleInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Role.")

    def to_command(self) -> Command[uuid.UUID]:
        return command(s.delete_role, id=node_key(self.id, "Role"))


@strawberry.mutation(description="Delete a custom role nobody holds.")
async def delete_role(info: Info, input: Input[DeleteRoleInput]) -> DeletePayload:
    return DeletePayload.of("Role", await perform(info, input.to_command()))
