"""createServicePackage: the platform defines a package (服务套餐)."""

from __future__ import annotations

import strawberry

from models import usage as m
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.usage.mutations.limits import LIMIT_DESCRIPTIONS, limit_values
from schema.usage.payloads import ServicePackagePayload
from services import usage as s


@strawberry.input(description="A new service package.")
class CreateServicePackageInput:
    code: str = strawberry.field(description="Unique code: a letter, then letters, digits, _ -.")
    name: str = strawberry.field(description="Display name (at most 200 characters).")
    description: str | None = strawberry.field(default=None, description="What it is for.")
    components: list[str] | None = strawberry.field(
        default=None,
        description="Keys of the shared service components a tenant on it may apply for "
        "(empty or null: any).",
    )
    features: list[str] | None = strawberry.field(
        default=None, description="Feature keys the package includes."
    )
    max_users: int | None = strawberry.field(
        default=None, description=LIMIT_DESCRIPTIONS["max_users"]
    )
    max_storage_bytes: float | None = strawberry.field(
        default=None, description=LIMIT_DESCRIPTIONS["max_storage_bytes"]
    )
    max_monthly_documents: int | None = strawberry.field(
        default=None, description=LIMIT_DESCRIPTIONS["max_monthly_documents"]
    )
    api_requests_per_minute: int | None = strawberry.field(
        default=None, description=LIMIT_DESCRIPTIONS["api_requests_per_minute"]
    )
    term_days: int | None = strawberry.field(
        default=None, description="Days an assignment lasts; null: no expiry."
    )
    grace_days: int | None = strawberry.field(
        default=None, description="Days an expired tenant keeps working (default 7)."
    )

    def to_command(self) -> Command[m.ServicePackage]:
        return command(
            s.create_service_package,
            code=self.code,
            name=self.name,
            description=self.description,
            components=self.components,
            features=self.features,
            term_days=self.term_days,
            grace_days=self.grace_days,
            **limit_values(self),
        )


@strawberry.mutation(description="Define a service package (platform admin).")
async def create_service_package(
    info: Info, input: Input[CreateServicePackageInput]
) -> ServicePackagePayload:
    return ServicePackagePayload.of(await perform(info, input.to_command()))
