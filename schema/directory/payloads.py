"""What the directory mutations answer."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from models import directory as m
from schema.directory.types import OrgUnit, Role, RoleAssignment, User
from schema.errors import UserError, user_errors
from schema.mutations import Outcome


@strawberry.type
class OrgUnitPayload:
    org_unit: OrgUnit | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.OrgUnit]) -> OrgUnitPayload:
        row, problems = outcome
        return cls(org_unit=OrgUnit.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class UserPayload:
    user: User | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.User]) -> UserPayload:
        row, problems = outcome
        return cls(user=User.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class RolePayload:
    role: Role | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.Role]) -> RolePayload:
        row, problems = outcome
        return cls(role=Role.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class RoleAssignmentPayload:
    role_assignment: RoleAssignment | None
    errors: list[UserError]

    @classmethod
    async def of(cls, outcome: Outcome[m.RoleAssignment]) -> RoleAssignmentPayload:
        row, problems = outcome
        if row:
            await row.fetch_related("role")
        return cls(
            role_assignment=RoleAssignment.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class DeletePayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]

    @classmethod
    def of(cls, type_name: str, outcome: Outcome[uuid.UUID]) -> DeletePayload:
        key, problems = outcome
        return cls(
            deleted_id=relay.GlobalID(type_name, str(key)) if key else None,
            errors=user_errors(problems),
        )
