"""setRolePortalLayout: the default page of a role's holders."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import portal_components as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.portal.inputs import PortalPlacementInput
from schema.portal.payloads import PortalLayoutPayload
from schema.types import Info
from services import portal as s


@strawberry.input
class SetRolePortalLayoutInput:
    role_id: relay.GlobalID
    template: m.LayoutTemplate
    placements: list[PortalPlacementInput]
    priority: int = strawberry.field(
        default=100, description="Lower wins for users holding several roles."
    )
    expected_version: int | None = None

    def to_command(self) -> Command[m.PortalLayout]:
        return command(
            s.set_role_layout,
            role_id=node_key(self.role_id, "Role"),
            template=self.template,
            placements=[p.to_spec() for p in self.placements],
            priority=self.priority,
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Set the default page of a role's holders.")
async def set_role_portal_layout(
    info: Info, input: Input[SetRolePortalLayoutInput]
) -> PortalLayoutPayload:
    return PortalLayoutPayload.of(await perform(info, input.to_command()))
