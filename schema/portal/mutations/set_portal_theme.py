"""setPortalTheme: the tenant's portal colours and logo."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from resolvers.ids import keep
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalThemePayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="The tenant's portal theme; omitted fields stay as they are.")
class SetPortalThemeInput:
    primary_color: str | None = strawberry.field(
        default=strawberry.UNSET, description="Primary colour, #rrggbb."
    )
    accent_color: str | None = strawberry.field(
        default=strawberry.UNSET, description="Accent colour, #rrggbb."
    )
    background_color: str | None = strawberry.field(
        default=strawberry.UNSET, description="Background colour, #rrggbb."
    )
    text_color: str | None = strawberry.field(
        default=strawberry.UNSET, description="Text colour, #rrggbb."
    )
    logo_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="The logo's URL (https); null clears it."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.PortalTheme]:
        return command(
            s.set_theme,
            primary_color=keep(self.primary_color),
            accent_color=keep(self.accent_color),
            background_color=keep(self.background_color),
            text_color=keep(self.text_color),
            logo_url=keep(self.logo_url),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Set the tenant's portal colours and logo.")
async def set_portal_theme(info: Info, input: Input[SetPortalThemeInput]) -> PortalThemePayload:
    return PortalThemePayload.of(await perform(info, input.to_command()))
