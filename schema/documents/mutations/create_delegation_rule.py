"""createDelegationRule: an out-of-office rule (委托规则)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key, node_uuid
from schema.documents.delegations import DelegationRulePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import delegations


@strawberry.input(description="A new out-of-office rule (委托规则).")
class CreateDelegationRuleInput:
    delegate_id: relay.GlobalID = strawberry.field(
        description="Global id of the User who gets the tasks meanwhile."
    )
    starts_at: datetime = strawberry.field(description="When it starts (ISO 8601).")
    ends_at: datetime = strawberry.field(
        description="When it ends (ISO 8601, exclusive); after startsAt."
    )
    flow_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only this flow's tasks; default: every flow."
    )
    reason: str | None = strawberry.field(default=None, description="Why, e.g. 出差.")
    user_id: relay.GlobalID | None = strawberry.field(
        default=None, description="documents.manage: someone else's rule; default: yours."
    )

    def to_command(self) -> Command[m.DelegationRule]:
        return command(
            delegations.create_delegation_rule,
            delegate_id=node_key(self.delegate_id, "User"),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            flow_id=node_uuid(self.flow_id, "Flow"),
            reason=self.reason,
            user_id=node_uuid(self.user_id, "User"),
        )


@strawberry.mutation(
    description="委托规则: while it is in force, new tasks of the user go to the delegate. A "
    "user's rules for the same flows may not overlap (CONFLICT)."
)
async def create_delegation_rule(
    info: Info, input: Input[CreateDelegationRuleInput]
) -> DelegationRulePayload:
    return DelegationRulePayload.of(await perform(info, input.to_command()))
