"""createTenant: the platform creates an active tenant directly."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import tenants as m
from models.directory import User as UserRow
from resolvers.ids import node_uuid
from schema.mutations import Command, Input, command, perform
from schema.tenants.payloads import TenantPayload
from schema.types import Info
from services import tenants as s


@strawberry.input(description="A new active tenant (platform admin).")
class CreateTenantInput:
    code: str = strawberry.field(description=("Short code, unique on the platform."))
    name: str = strawberry.field(description="Display name; 1 to 200 characters.")
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of the parent Tenant, or null for a top-level one."
    )
    admin_username: str = strawberry.field(
        default="admin", description="Username of its first administrator (default admin)."
    )
    admin_name: str | None = strawberry.field(
        default=None, description="Display name of the administrator."
    )
    admin_email: str | None = strawberry.field(
        default=None, description="E-mail address of the administrator."
    )

    def to_command(self) -> Command[tuple[m.Tenant, UserRow]]:
        return command(
            s.create_tenant,
            code=self.code,
            name=self.name,
            parent_id=node_uuid(self.parent_id, "Tenant"),
            admin_username=self.admin_username,
            admin_name=self.admin_name,
            admin_email=self.admin_email,
        )


@strawberry.mutation(description="Create an active tenant directly. Platform admins only.")
async def create_tenant(info: Info, input: Input[CreateTenantInput]) -> TenantPayload:
    return TenantPayload.created(await perform(info, input.to_command()))
