"""What the exchange mutations answer."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from models import exchange as m
from schema.documents.types import Document
from schema.errors import UserError, user_errors
from schema.exchange.types import Dispatch, ExchangePartner, IncomingItem, optional_gid
from schema.mutations import Outcome


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class ExchangePartnersPayload:
    partners: list[ExchangePartner] = strawberry.field(description="The partners after the change.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[list[m.ExchangePartner]]) -> ExchangePartnersPayload:
        rows, problems = outcome
        return cls(
            partners=[ExchangePartner.from_model(row) for row in rows or []],
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class RemoveExchangePartnerPayload:
    removed_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the partnership removed; null when nothing was."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[uuid.UUID]) -> RemoveExchangePartnerPayload:
        key, problems = outcome
        return cls(removed_id=optional_gid("ExchangePartner", key), errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DispatchPayload:
    dispatch: Dispatch | None = strawberry.field(description="The dispatch made.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Dispatch]) -> DispatchPayload:
        row, problems = outcome
        return cls(dispatch=Dispatch.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class IncomingItemPayload:
    incoming_item: IncomingItem | None = strawberry.field(
        description="The incoming item as changed."
    )
    document: Document | None = strawberry.field(
        default=None, description="The 收文 document started by signing."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.IncomingItem]) -> IncomingItemPayload:
        row, problems = outcome
        return cls(
            incoming_item=IncomingItem.from_model(row) if row else None,
            errors=user_errors(problems),
        )
