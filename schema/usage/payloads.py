"""What the usage mutations answer."""

from __future__ import annotations

import strawberry

from models import usage as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.usage.types import ServicePackage, TenantAllocation


@strawberry.type(description="A package created or changed.")
class ServicePackagePayload:
    package: ServicePackage | None = strawberry.field(description="The package.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")

    @classmethod
    def of(cls, outcome: Outcome[m.ServicePackage]) -> ServicePackagePayload:
        row, problems = outcome
        return cls(
            package=ServicePackage.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(description="A tenant's allocation after the change.")
class TenantAllocationPayload:
    allocation: TenantAllocation | None = strawberry.field(description="The allocation.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")

    @classmethod
    def of(cls, outcome: Outcome[m.TenantAllocation]) -> TenantAllocationPayload:
        """The service answers the allocation with its package fetched."""
        row, problems = outcome
        if row is None:
            return cls(allocation=None, errors=user_errors(problems))
        package = row.package if row.package_id else None
        return cls(allocation=TenantAllocation.of(row, package), errors=[])
