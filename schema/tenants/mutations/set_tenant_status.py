"""setTenantStatus: suspend or reactivate a tenant."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import tenants as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.tenants.payloads import TenantPayload
from schema.types import Info
from services import tenants as s


@strawberry.input(description="Activate or suspend a tenant (platform admin).")
class SetTenantStatusInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Tenant.")
    status: m.TenantStatus = strawberry.field(description="ACTIVE or SUSPENDED.")

    def to_command(self) -> Command[m.Tenant]:
        return command(
            s.set_tenant_status, tenant_id=node_key(self.id, "Tenant"), status=self.status
        )


@strawberry.mutation(description="Suspend or reactivate a tenant. Platform admins only.")
async def set_tenant_status(info: Info, input: Input[SetTenantStatusInput]) -> TenantPayload:
    return TenantPayload.of(await perform(info, input.to_command()))
