"""setTenantLimits: the platform admin raises or lowers one tenant's limits (资源调配)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import usage as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.usage.mutations.limits import limit_values
from schema.usage.payloads import TenantAllocationPayload
from services import usage as s

OWN = " Null: the package's again; not sent: unchanged."


@strawberry.input(description="A tenant's own limits, over its package's.")
class SetTenantLimitsInput:
    id: relay.GlobalID = strawberry.field(description="The Tenant.")
    max_users: int | None = strawberry.field(
        default=strawberry.UNSET, description="Active users at most." + OWN
    )
    max_storage_bytes: float | None = strawberry.field(
        default=strawberry.UNSET, description="Bytes of attachments at most." + OWN
    )
    max_monthly_documents: int | None = strawberry.field(
        default=strawberry.UNSET, description="Documents created per month at most." + OWN
    )
    api_requests_per_minute: int | None = strawberry.field(
        default=strawberry.UNSET, description="GraphQL HTTP requests per rate window." + OWN
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The allocation's version read; CONFLICT when it changed."
    )

    def to_command(self) -> Command[m.TenantAllocation]:
        return command(
            s.set_tenant_limits,
            tenant_id=node_key(self.id, "Tenant"),
            expected_version=self.expected_version,
            **limit_values(self),
        )


@strawberry.mutation(
    description="Raise or lower a tenant's limits (platform admin); they hold at once."
)
async def set_tenant_limits(
    info: Info, input: Input[SetTenantLimitsInput]
) -> TenantAllocationPayload:
    return TenantAllocationPayload.of(await perform(info, input.to_command()))
