"""clearRolePortalLayout: remove a role's default page."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import portal_components as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalLayoutPayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="Remove a role's layout (its holders see the tenant's).")
class ClearRolePortalLayoutInput:
    role_id: relay.GlobalID = strawberry.field(description="Global id of the Role.")

    def to_command(self) -> Command[m.PortalLayout]:
        return command(s.clear_role_layout, role_id=node_key(self.role_id, "Role"))


@strawberry.mutation(description="Remove a role's default page.")
async def clear_role_portal_layout(
    info: Info, input: Input[ClearRolePortalLayoutInput]
) -> PortalLayoutPayload:
    return PortalLayoutPayload.of(await perform(info, input.to_command()))
