"""resetMyPortalLayout: drop the personal page."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalLayoutPayload
from schema.types import Info
from services import portal as s


@strawberry.input(
    description=("Drop the viewer's own layout (back to her role's or the tenant's).")
)
class ResetMyPortalLayoutInput:
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.PortalLayout | None]:
        return command(s.reset_my_layout, expected_version=self.expected_version)


@strawberry.mutation(description="Drop the personal page: role or tenant default again.")
async def reset_my_portal_layout(
    info: Info, input: Input[ResetMyPortalLayoutInput]
) -> PortalLayoutPayload:
    return PortalLayoutPayload.of(await perform(info, input.to_command()))
