"""Out-of-office rules (委托规则): the type, the queries, and what their mutations answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from models import documents as m
from resolvers import documents as r
from resolvers.ids import node_uuid
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.directory.types import User
from schema.errors import UserError, user_errors
from schema.flows import Flow
from schema.mutations import Outcome
from schema.nodes import LoadedNode
from schema.types import Info


@strawberry.type(
    name="DelegationRule",
    description="委托规则: from startsAt until endsAt, the user's new tasks (of one flow, when "
    "set) go to the delegate, recorded on the task as delegatedFrom.",
)
class DelegationRule(LoadedNode):
    id: relay.NodeID[str]
    starts_at: datetime = strawberry.field(description="When the rule starts (ISO 8601).")
    ends_at: datetime = strawberry.field(description="When it ends (ISO 8601, exclusive).")
    reason: str = strawberry.field(description="Why, e.g. 出差.")
    version: int = strawberry.field(description="Send as expectedVersion to detect conflicts.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    row: strawberry.Private[m.DelegationRule]

    loader = r.DelegationRuleById

    @classmethod
    def from_model(cls, row: m.DelegationRule) -> DelegationRule:
        return cls(
            id=str(row.id),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            reason=row.reason,
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Who is away.")
    async def user(self, info: Info) -> User | None:
        return await User.load(info, self.row.user_id)

    @strawberry.field(description="Who gets the tasks meanwhile.")
    async def delegate(self, info: Info) -> User | None:
        return await User.load(info, self.row.delegate_id)

    @strawberry.field(description="The one flow it covers; null: every flow.")
    async def flow(self, info: Info) -> Flow | None:
        return await Flow.load(info, self.row.flow_id)


@strawberry.type
class DelegationRuleQuery:
    @strawberry.field(description="My out-of-office rules (委托规则), newest first.")
    async def my_delegation_rules(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DelegationRule]:
        args = PageArgs(first, after, last, before)
        page = await r.delegation_rules(info.context, user_id=None, mine=True, page=args)
        return Connection.of(page, DelegationRule.from_model)

    @strawberry.field(
        description="Out-of-office rules of one user, or (documents.manage) of everyone, "
        "newest first."
    )
    async def delegation_rules(
        self,
        info: Info,
        user_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description=(
                    "Whose out-of-office rules (委托规则); default the viewer. Another user's "
                    "need `documents.manage`."
                )
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DelegationRule]:
        key = node_uuid(user_id, "User")
        args = PageArgs(first, after, last, before)
        page = await r.delegation_rules(
            info.context,
            user_id=key if isinstance(key, uuid.UUID) else (r.NOBODY if user_id else None),
            mine=False,
            page=args,
        )
        return Connection.of(page, DelegationRule.from_model)


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DelegationRulePayload:
    delegation_rule: DelegationRule | None = strawberry.field(description="The rule as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.DelegationRule]) -> DelegationRulePayload:
        row, problems = outcome
        return cls(
            delegation_rule=DelegationRule.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DeleteDelegationRulePayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the rule deleted; null when nothing was."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.DelegationRule]) -> DeleteDelegationRulePayload:
        row, problems = outcome
        deleted = relay.GlobalID("DelegationRule", str(row.id)) if row else None
        return cls(deleted_id=deleted, errors=user_errors(problems))
