"""rollbackPortalLayout: an earlier version published again as the newest."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalLayoutVersionPayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="Republish an earlier layout version.")
class RollbackPortalLayoutInput:
    to_version: int = strawberry.field(description="The version number to go back to.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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
