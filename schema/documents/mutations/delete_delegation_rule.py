"""deleteDelegationRule: end an out-of-office rule early."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key
from schema.documents.delegations import DeleteDelegationRulePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import delegations


@strawberry.input(description="Delete an out-of-office rule.")
class DeleteDelegationRuleInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the DelegationRule.")

    def to_command(self) -> Command[m.DelegationRule]:
        return command(
            delegations.delete_delegation_rule, rule_id=node_key(self.id, "DelegationRule")
        )


@strawberry.mutation(
    description="Delete an out-of-office rule; tasks it already sent stay with the delegate."
)
async def delete_delegation_rule(
    info: Info, input: Input[DeleteDelegationRuleInput]
) -> DeleteDelegationRulePayload:
    return DeleteDelegationRulePayload.of(await perform(info, input.to_command()))
