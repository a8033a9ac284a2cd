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


@strawberry.type
class ExchangePartnersPayload:
    partners: list[ExchangePartner]
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[list[m.ExchangePartner]]) -> ExchangePartnersPayload:
        rows, problems = outcome
        return cls(
            partners=[ExchangePartner.from_model(row) for row in rows or []],
            errors=user_errors(problems),
        )


@strawberry.type
class RemoveExchangePartnerPayload:
    removed_id: relay.GlobalID | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[uuid.UUID]) -> RemoveExchangePartnerPayload:
        key, problems = outcome
        return cls(removed_id=optional_gid("ExchangePartner", key), errors=user_errors(problems))


@strawberry.type
class DispatchPayload:
    dispatch: Dispatch | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.Dispatch]) -> DispatchPayload:
        row, problems = outcome
        return cls(dispatch=Dispatch.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class IncomingItemPayload:
    incoming_item: IncomingItem | None
    document: Document | None = strawberry.field(
        default=None, description="The 收文 document started by signing."
    )
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.IncomingItem]) -> IncomingItemPayload:
        row, problems = outcome
        return cls(
            incoming_item=IncomingItem.from_model(row) if row else None,
            errors=user_errors(problems),
        )
