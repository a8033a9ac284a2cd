"""reviewTenantApplication: the platform approves or rejects a registration."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import tenants as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.tenants.payloads import TenantApplicationPayload
from schema.types import Info
from services import tenants as s


@strawberry.input(description="A decision on a tenant application (platform admin).")
class ReviewTenantApplicationInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the TenantApplication.")
    approve: bool = strawberry.field(
        description="True approves (the tenant is activated), false rejects."
    )
    reason: str | None = strawberry.field(default=None, description="Required to reject.")

    def to_command(self) -> Command[tuple[m.TenantApplication, m.Tenant | None]]:
        return command(
            s.review_application,
            application_id=node_key(self.id, "TenantApplication"),
            approve=self.approve,
            reason=self.reason,
        )


@strawberry.mutation(
    description="Approve (the tenant becomes active, with default roles and an "
    "administrator) or reject with a reason. Platform admins only."
)
async def review_tenant_application(
    info: Info, input: Input[ReviewTenantApplicationInput]
) -> TenantApplicationPayload:
    return TenantApplicationPayload.reviewed(await perform(info, input.to_command()))
