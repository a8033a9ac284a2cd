"""What the portal sign-in mutations answer."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from models import sso as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.sso.types import AccessRule, ScimToken


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class AccessRulePayload:
    access_rule: AccessRule | None = strawberry.field(description="The rule as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.AccessRule]) -> AccessRulePayload:
        row, problems = outcome
        return cls(
            access_rule=AccessRule.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DeleteAccessRulePayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the rule deleted; null when nothing was."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[uuid.UUID]) -> DeleteAccessRulePayload:
        key, problems = outcome
        return cls(
            deleted_id=relay.GlobalID("AccessRule", str(key)) if key else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class ScimTokenPayload:
    scim_token: ScimToken | None = strawberry.field(description="The token as changed.")
    secret: str | None = strawberry.field(
        description="The bearer token itself: shown once, only its hash is stored."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[tuple[m.ScimToken, str] | m.ScimToken]) -> ScimTokenPayload:
        value, problems = outcome
        row, secret = value if isinstance(value, tuple) else (value, None)
        return cls(
            scim_token=ScimToken.from_model(row) if row else None,
            secret=secret,
            errors=user_errors(problems),
        )
