"""Errors as data: every mutation payload carries `errors: [UserError!]!`."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry

from i18n.catalogues import translate
from schema.types import describe_values
from services.errors import Code, Problem

strawberry.enum(Code, name="ErrorCode", description="Why a mutation changed nothing.")
describe_values(
    Code,
    {
        "INVALID": "A value is malformed or not allowed.",
        "REQUIRED": "A required value is missing or blank.",
        "TOO_LONG": "A text or list is over its limit.",
        "DUPLICATE": "The value must be unique and is taken.",
        "NOT_FOUND": ("No such object for you (missing, another tenant's, or unreadable)."),
        "FORBIDDEN": "You lack the permission or its data scope does not reach.",
        "UNAUTHENTICATED": "No one is signed in: re-authenticate.",
        "CONFLICT": "The object changed meanwhile: reload, then retry.",
        "CYCLE": "The change would make a loop.",
        "IN_USE": "Still referenced; cannot be removed.",
        "INVALID_STATE": "Not possible in the object's current state.",
        "RATE_LIMITED": "Too many attempts: retry after retryAfterSeconds.",
        "LAST_SIGNER": "减签 would leave a countersign without signers.",
        "SEPARATION_OF_DUTIES": (
            "The initiator may not approve, or be handed, her own document at that step."
        ),
        "CANNOT_READ": "Someone named may not read the document; the message names them.",
        "QUOTA_EXCEEDED": (
            "The tenant's package (服务套餐) or allocation allows no more; the message names the "
            "limit, the usage and the package."
        ),
    },
)


@strawberry.type(description="An expected failure: the mutation changed nothing.")
class UserError:
    code: Code = strawberry.field(
        description=("What kind of failure; see the error table in the API reference.")
    )
    text: strawberry.Private[str]
    field: list[str] | None = strawberry.field(
        description="Path of the input field at fault, e.g. ['input', 'name'].", default=None
    )
    retry_after_seconds: int | None = strawberry.field(
        description="For RATE_LIMITED: seconds until the call may be tried again.", default=None
    )

    @strawberry.field(description="What went wrong, for people, in the request's language.")
    def message(self, info: strawberry.Info) -> str:
        return translate(self.text, info.context.language)

    @classmethod
    def from_problem(cls, problem: Problem) -> UserError:
        field = ["input", *problem.field] if problem.field else None
        return cls(
            code=problem.code,
            text=problem.message,
            field=field,
            retry_after_seconds=problem.retry_after,
        )


def user_errors(problems: Iterable[Problem]) -> list[UserError]:
    return [UserError.from_problem(p) for p in problems]
