"""What the tenant mutations answer."""

from __future__ import annotations

import strawberry

from models import tenants as m
from models.directory import User as UserRow
from schema.directory.types import User
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.tenants.types import Tenant, TenantApplication


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class TenantApplicationPayload:
    application: TenantApplication | None = strawberry.field(description="The application.")
    tenant: Tenant | None = strawberry.field(default=None, description="The tenant, once approved.")
    status_secret: str | None = strawberry.field(
        default=None,
        description="Given once, by applyForTenant: keep it to ask tenantApplicationStatus.",
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def applied(cls, outcome: Outcome[tuple[m.TenantApplication, str]]) -> TenantApplicationPayload:
        pair, problems = outcome
        row, secret = pair if pair else (None, None)
        return cls(
            application=TenantApplication.from_model(row) if row else None,
            status_secret=secret,
            errors=user_errors(problems),
        )

    @classmethod
    def reviewed(
        cls, outcome: Outcome[tuple[m.TenantApplication, m.Tenant | None]]
    ) -> TenantApplicationPayload:
        pair, problems = outcome
        row, tenant = pair if pair else (None, None)
        return cls(
            application=TenantApplication.from_model(row) if row else None,
            tenant=Tenant.from_model(tenant) if tenant else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class TenantPayload:
    tenant: Tenant | None = strawberry.field(description="The tenant as changed.")
    administrator: User | None = strawberry.field(
        default=None, description="The first administrator, when the tenant was just created."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Tenant]) -> TenantPayload:
        row, problems = outcome
        return cls(tenant=Tenant.from_model(row) if row else None, errors=user_errors(problems))

    @classmethod
    def created(cls, outcome: Outcome[tuple[m.Tenant, UserRow]]) -> TenantPayload:
        pair, problems = outcome
        tenant, admin = pair if pair else (None, None)
        return cls(
            tenant=Tenant.from_model(tenant) if tenant else None,
            administrator=User.from_model(admin) if admin else None,
            errors=user_errors(problems),
        )
