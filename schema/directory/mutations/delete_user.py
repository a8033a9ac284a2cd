"""deleteUser: a user without history (others are disabled)."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.directory.payloads import DeletePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Delete a user.")
class DeleteUserInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the User.")

    def to_command(self) -> Command[uuid.UUID]:
        return command(s.delete_user, id=node_key(self.id, "User"))


@strawberry.mutation(description="Delete a user who has no history; otherwise disable them.")
async def delete_user(info: Info, input: Input[DeleteUserInput]) -> DeletePayload:
    return DeletePayload.of("User", await perform(info, input.to_command()))
