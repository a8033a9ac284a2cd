"""What the portal sign-in mutations answer."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from models import sso as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.sso.types import AccessRule, ScimToken


@strawberry.type
class AccessRulePayload:
    access_rule: AccessRule | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.AccessRule]) -> AccessRulePayload:
        row, problems = outcome
        return cls(
            access_rule=AccessRule.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type
class DeleteAccessRulePayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[uuid.UUID]) -> DeleteAccessRulePayload:
        key, problems = outcome
        return cls(
            deleted_id=relay.GlobalID("AccessRule", str(key)) if key else None,
            errors=user_errors(problems),
        )


@strawberry.type
class ScimTokenPayload:
    scim_token: ScimToken | None
    secret: str | None = strawberry.field(
        description="The bearer token itself: shown once, only its hash is stored."
    )
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[tuple[m.ScimToken, str] | m.ScimToken]) -> ScimTokenPayload:
        value, problems = outcome
        row, secret = value if isinstance(value, tuple) else (value, None)
        return cls(
            scim_token=ScimToken.from_model(row) if row else None,
            secret=secret,
            errors=user_errors(problems),
        )
