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


@strawberry.input(description="Changes to an access rule; omitted fields stay as they are.")
class UpdateAccessRuleInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the AccessRule.")
    components: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Service component keys, replacing the old; empty: all.",
    )
    note: str | None = strawberry.field(default=strawberry.UNSET, description="New note.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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
