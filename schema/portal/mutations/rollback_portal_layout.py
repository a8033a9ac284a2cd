"""rollbackPortalLayout: an earlier version published again as the newest."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalLayoutVersionPayload
from schema.types import Info
from services import portal as s


@strawberry.input
class RollbackPortalLayoutInput:
    to_version: int
    expected_version: int | None = None

    def to_command(self) -> Command[m.PortalLayoutVersion]:
        return command(
            s.rollback_layout, to_version=self.to_version, expected_version=self.expected_version
        )


@strawberry.mutation(
    description="Publish a copy of an earlier version as the newest (history is kept)."
)
async def rollback_portal_layout(
    info: Info, input: Input[RollbackPortalLayoutInput]
) -> PortalLayoutVersionPayload:
    return PortalLayoutVersionPayload.of(await perform(info, input.to_command()))
