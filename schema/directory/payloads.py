"""What the directory mutations answer."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from models import directory as m
from schema.directory.types import OrgUnit, Role, RoleAssignment, User
from schema.errors import UserError, user_errors
from schema.mutations import Outcome


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class OrgUnitPayload:
    org_unit: OrgUnit | None = strawberry.field(description="The org unit as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.OrgUnit]) -> OrgUnitPayload:
        row, problems = outcome
        return cls(org_unit=OrgUnit.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class UserPayload:
    user: User | None = strawberry.field(description="The user as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.User]) -> UserPayload:
        row, problems = outcome
        return cls(user=User.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class RolePayload:
    role: Role | None = strawberry.field(description="The role as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Role]) -> RolePayload:
        row, problems = outcome
        return cls(role=Role.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class RoleAssignmentPayload:
    role_assignment: RoleAssignment | None = strawberry.field(description="The assignment made.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    async def of(cls, outcome: Outcome[m.RoleAssignment]) -> RoleAssignmentPayload:
        row, problems = outcome
        if row:
            await row.fetch_related("role")
        return cls(
            role_assignment=RoleAssignment.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DeletePayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of what was deleted; null when nothing was."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, type_name: str, outcome: Outcome[uuid.UUID]) -> DeletePayload:
        key, problems = outcome
        return cls(
            deleted_id=relay.GlobalID(type_name, str(key)) if key else None,
            errors=user_errors(problems),
        )
