"""publishPortalLayout: the tenant's default page as a new version."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.inputs import PortalPlacementInput
from schema.portal.payloads import PortalLayoutVersionPayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="Publish the tenant's portal layout as a new version.")
class PublishPortalLayoutInput:
    template: m.LayoutTemplate = strawberry.field(description="The column template.")
    placements: list[PortalPlacementInput] = strawberry.field(description="The components placed.")
    expected_version: int | None = strawberry.field(
        default=None,
        description="The version number this is based on (0 for the first); CONFLICT otherwise.",
    )

    def to_command(self) -> Command[m.PortalLayoutVersion]:
        return command(
            s.publish_layout,
            template=self.template,
            placements=[p.to_spec() for p in self.placements],
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Publish the tenant's default portal page as a new version.")
async def publish_portal_layout(
    info: Info, input: Input[PublishPortalLayoutInput]
) -> PortalLayoutVersionPayload:
    return PortalLayoutVersionPayload.of(await perform(info, input.to_command()))
