"""What the circulation mutations answer."""

from __future__ import annotations

import strawberry

from models import circulation as m
from schema.circulation.types import Circulation, CirculationRecipient
from schema.errors import UserError, user_errors
from schema.mutations import Outcome


@strawberry.type(
    description="What circulateDocument, passOnCirculation and urgeCirculation answer."
)
class CirculationPayload:
    circulation: Circulation | None = strawberry.field(description="The circulation.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.Circulation]) -> CirculationPayload:
        row, problems = outcome
        return cls(
            circulation=Circulation.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(description="What markCirculationRead answers.")
class MarkCirculationReadPayload:
    recipients: list[CirculationRecipient] = strawberry.field(
        description="Your copies, with their read times."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[list[m.CirculationRecipient]]) -> MarkCirculationReadPayload:
        rows, problems = outcome
        return cls(
            recipients=[CirculationRecipient.from_model(r) for r in rows or []],
            errors=user_errors(problems),
        )
