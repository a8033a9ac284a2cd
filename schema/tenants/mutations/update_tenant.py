"""updateTenant: a tenant's name or settings."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import tenants as m
from resolvers.ids import keep, node_key
from schema.mutations import Command, Input, command, perform
from schema.tenants.payloads import TenantPayload
from schema.types import Info
from services import tenants as s


@strawberry.input(description="Changes to a tenant; omitted fields stay as they are.")
class UpdateTenantInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Tenant.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New settings (JSON object), replacing the old."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.Tenant]:
        return command(
            s.update_tenant,
            tenant_id=node_key(self.id, "Tenant"),
            name=keep(self.name),
            settings=keep(self.settings),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Rename a tenant or change its settings.")
async def update_tenant(info: Info, input: Input[UpdateTenantInput]) -> TenantPayload:
    return TenantPayload.of(await perform(info, input.to_command()))
