"""What the circulation mutations answer."""

from __future__ import annotations

import strawberry

from models import circulation as m
from schema.circulation.types import Circulation, CirculationRecipient
from schema.errors import UserError, user_errors
from schema.mutations import Outcome


@strawberry.type
class CirculationPayload:
    circulation: Circulation | None = strawberry.field(description="The circulation.")
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.Circulation]) -> CirculationPayload:
        row, problems = outcome
        return cls(
            circulation=Circulation.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class MarkCirculationReadPayload:
    recipients: list[CirculationRecipient] = strawberry.field(
        description="Your copies, with their read times."
    )
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[list[m.CirculationRecipient]]) -> MarkCirculationReadPayload:
        rows, problems = outcome
        return cls(
            recipients=[CirculationRecipient.from_model(r) for r in rows or []],
            errors=user_errors(problems),
        )
