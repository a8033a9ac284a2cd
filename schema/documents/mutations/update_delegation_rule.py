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


@strawberry.input(
    description=("Changes to an out-of-office rule; omitted fields stay as they are.")
)
class UpdateDelegationRuleInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the DelegationRule.")
    delegate_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="Global id of the new delegate User."
    )
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="New start (ISO 8601)."
    )
    ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="New end (ISO 8601, exclusive)."
    )
    flow_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="null: every flow."
    )
    reason: str | None = strawberry.field(default=strawberry.UNSET, description="New reason.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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
