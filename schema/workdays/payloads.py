"""What the calendar mutations answer."""

from __future__ import annotations

import strawberry

from resolvers.workdays import view
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.workdays.types import WorkCalendar
from services.workdays import Merged


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class WorkCalendarPayload:
    calendar: WorkCalendar | None = strawberry.field(
        description="The actor's tenant's calendar, with the days the mutation touched."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[Merged]) -> WorkCalendarPayload:
        found, problems = outcome
        calendar = WorkCalendar.of(view(found, found.touched)) if found else None
        return cls(calendar=calendar, errors=user_errors(problems))
