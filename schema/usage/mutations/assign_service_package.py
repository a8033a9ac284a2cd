"""assignServicePackage: put a tenant on a package (服务套餐), audited."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import usage as m
from resolvers.ids import keep, node_key, node_uuid
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from schema.usage.payloads import TenantAllocationPayload
from services import usage as s


@strawberry.input(description="A tenant's new package.")
class AssignServicePackageInput:
    id: relay.GlobalID = strawberry.field(description="The Tenant.")
    package_id: relay.GlobalID | None = strawberry.field(
        description="The ServicePackage; null: no package (only the tenant's own limits)."
    )
    expires_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When it expires; not sent: the package's term from now; null: never.",
    )

    def to_command(self) -> Command[m.TenantAllocation]:
        return command(
            s.assign_service_package,
            tenant_id=node_key(self.id, "Tenant"),
            package_id=node_uuid(self.package_id, "ServicePackage"),
            expires_at=keep(self.expires_at),
        )


@strawberry.mutation(
    description="Assign a service package to a tenant, or renew it (platform admin); a renewal "
    "lifts a suspension its expiry caused."
)
async def assign_service_package(
    info: Info, input: Input[AssignServicePackageInput]
) -> TenantAllocationPayload:
    return TenantAllocationPayload.of(await perform(info, input.to_command()))
