"""resetMyPortalLayout: drop the personal page."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalLayoutPayload
from schema.types import Info
from services import portal as s


@strawberry.input
class ResetMyPortalLayoutInput:
    expected_version: int | None = None

    def to_command(self) -> Command[m.PortalLayout | None]:
        return command(s.reset_my_layout, expected_version=self.expected_version)


@strawberry.mutation(description="Drop the personal page: role or tenant default again.")
async def reset_my_portal_layout(
    info: Info, input: Input[ResetMyPortalLayoutInput]
) -> PortalLayoutPayload:
    return PortalLayoutPayload.of(await perform(info, input.to_command()))
