"""deleteAccessRule: remove an access rule."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.sso.payloads import DeleteAccessRulePayload
from schema.types import Info
from services import sso as s


@strawberry.input(description="Delete an access rule.")
class DeleteAccessRuleInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the AccessRule.")

    def to_command(self) -> Command[uuid.UUID]:
        return command(s.delete_access_rule, id=node_key(self.id, "AccessRule"))


@strawberry.mutation(description="Remove an access rule.")
async def delete_access_rule(
    info: Info, input: Input[DeleteAccessRuleInput]
) -> DeleteAccessRulePayload:
    return DeleteAccessRulePayload.of(await perform(info, input.to_command()))
