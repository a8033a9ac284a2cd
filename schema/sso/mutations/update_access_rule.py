"""updateAccessRule: the components a rule grants."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import sso as m
from resolvers.ids import keep, node_key
from schema.mutations import Command, Input, command, perform
from schema.sso.payloads import AccessRulePayload
from schema.types import Info
from services import sso as s


@strawberry.input
class UpdateAccessRuleInput:
    id: relay.GlobalID
    components: list[str] | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self) -> Command[m.AccessRule]:
        return command(
            s.update_access_rule,
            id=node_key(self.id, "AccessRule"),
            components=keep(self.components),
            note=keep(self.note),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Change the components an access rule grants.")
async def update_access_rule(info: Info, input: Input[UpdateAccessRuleInput]) -> AccessRulePayload:
    return AccessRulePayload.of(await perform(info, input.to_command()))
