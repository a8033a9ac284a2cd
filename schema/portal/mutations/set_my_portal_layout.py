"""setMyPortalLayout: the viewer's personal page."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.inputs import PortalPlacementInput
from schema.portal.payloads import PortalLayoutPayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="The viewer's own portal layout.")
class SetMyPortalLayoutInput:
    template: m.LayoutTemplate = strawberry.field(description="The column template.")
    placements: list[PortalPlacementInput] = strawberry.field(description="The components placed.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.PortalLayout]:
        return command(
            s.set_my_layout,
            template=self.template,
            placements=[p.to_spec() for p in self.placements],
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Save the viewer's personal portal page.")
async def set_my_portal_layout(
    info: Info, input: Input[SetMyPortalLayoutInput]
) -> PortalLayoutPayload:
    return PortalLayoutPayload.of(await perform(info, input.to_command()))
