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


@strawberry.input(description="The portal layout of a role's holders.")
class SetRolePortalLayoutInput:
    role_id: relay.GlobalID = strawberry.field(description="Global id of the Role.")
    template: m.LayoutTemplate = strawberry.field(description="The column template.")
    placements: list[PortalPlacementInput] = strawberry.field(description="The components placed.")
    priority: int = strawberry.field(
        default=100, description="Lower wins for users holding several roles."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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
