"""updateDelegationRule: change an out-of-office rule."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import keep, keep_id, node_key
from schema.documents.delegations import DelegationRulePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import delegations


@strawberry.input
class UpdateDelegationRuleInput:
    id: relay.GlobalID
    delegate_id: relay.GlobalID | None = strawberry.UNSET
    starts_at: datetime | None = strawberry.UNSET
    ends_at: datetime | None = strawberry.UNSET
    flow_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="null: every flow."
    )
    reason: str | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self) -> Command[m.DelegationRule]:
        return command(
            delegations.update_delegation_rule,
            rule_id=node_key(self.id, "DelegationRule"),
            delegate_id=keep_id(self.delegate_id, "User"),
            starts_at=keep(self.starts_at),
            ends_at=keep(self.ends_at),
            flow_id=keep_id(self.flow_id, "Flow"),
            reason=keep(self.reason),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Change an out-of-office rule; fields not sent stay.")
async def update_delegation_rule(
    info: Info, input: Input[UpdateDelegationRuleInput]
) -> DelegationRulePayload:
    return DelegationRulePayload.of(await perform(info, input.to_command()))
