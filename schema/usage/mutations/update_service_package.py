"""updateServicePackage: change a package; its tenants' limits change at once."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import usage as m
from resolvers.ids import keep, node_key
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.usage.mutations.limits import LIMIT_DESCRIPTIONS, limit_values
from schema.usage.payloads import ServicePackagePayload
from services import usage as s


@strawberry.input(description="What changes in a package; fields not sent stay.")
class UpdateServicePackageInput:
    id: relay.GlobalID = strawberry.field(description="The ServicePackage.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it is for."
    )
    components: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Shared service component keys (empty: any)."
    )
    features: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Feature keys."
    )
    max_users: int | None = strawberry.field(
        default=strawberry.UNSET, description=LIMIT_DESCRIPTIONS["max_users"]
    )
    max_storage_bytes: float | None = strawberry.field(
        default=strawberry.UNSET, description=LIMIT_DESCRIPTIONS["max_storage_bytes"]
    )
    max_monthly_documents: int | None = strawberry.field(
        default=strawberry.UNSET, description=LIMIT_DESCRIPTIONS["max_monthly_documents"]
    )
    api_requests_per_minute: int | None = strawberry.field(
        default=strawberry.UNSET, description=LIMIT_DESCRIPTIONS["api_requests_per_minute"]
    )
    term_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days an assignment lasts; null: no expiry."
    )
    grace_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days an expired tenant keeps working."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Offered to tenants (false: retired)."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The version read; CONFLICT when it changed meanwhile."
    )

    def to_command(self) -> Command[m.ServicePackage]:
        return command(
            s.update_service_package,
            id=node_key(self.id, "ServicePackage"),
            expected_version=self.expected_version,
            name=keep(self.name),
            description=keep(self.description),
            components=keep(self.components),
            features=keep(self.features),
            term_days=keep(self.term_days),
            grace_days=keep(self.grace_days),
            active=keep(self.active),
            **limit_values(self),
        )


@strawberry.mutation(
    description="Change a service package (platform admin); tenants on it see new limits at once."
)
async def update_service_package(
    info: Info, input: Input[UpdateServicePackageInput]
) -> ServicePackagePayload:
    return ServicePackagePayload.of(await perform(info, input.to_command()))
