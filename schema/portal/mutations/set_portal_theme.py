"""setPortalTheme: the tenant's portal colours and logo."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from resolvers.ids import keep
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalThemePayload
from schema.types import Info
from services import portal as s


@strawberry.input
class SetPortalThemeInput:
    primary_color: str | None = strawberry.UNSET
    accent_color: str | None = strawberry.UNSET
    background_color: str | None = strawberry.UNSET
    text_color: str | None = strawberry.UNSET
    logo_url: str | None = strawberry.UNSET
    expected_version: int | None = None

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
