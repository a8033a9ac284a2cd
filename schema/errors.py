"""Errors as data: every mutation payload carries `errors: [UserError!]!`."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry

from services.errors import Code, Problem

strawberry.enum(Code, name="ErrorCode", description="Why a mutation changed nothing.")


@strawberry.type(description="An expected failure: the mutation changed nothing.")
class UserError:
    code: Code
    message: str
    field: list[str] | None = strawberry.field(
        description="Path of the input field at fault, e.g. ['input', 'name'].", default=None
    )
    retry_after_seconds: int | None = strawberry.field(
        description="For RATE_LIMITED: seconds until the call may be tried again.", default=None
    )

    @classmethod
    def from_problem(cls, problem: Problem) -> UserError:
        field = ["input", *problem.field] if problem.field else None
        return cls(
            code=problem.code,
            message=problem.message,
            field=field,
            retry_after_seconds=problem.retry_after,
        )


def user_errors(problems: Iterable[Problem]) -> list[UserError]:
    return [UserError.from_problem(p) for p in problems]
