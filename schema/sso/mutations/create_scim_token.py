"""createScimToken: a bearer token for the portal's directory sync."""

from __future__ import annotations

import strawberry

from models import sso as m
from schema.mutations import Command, Input, command, perform
from schema.sso.payloads import ScimTokenPayload
from schema.types import Info
from services import sso as s


@strawberry.input(description="A new bearer token for the portal's SCIM client.")
class CreateScimTokenInput:
    name: str = strawberry.field(description="What the token is for, e.g. 'city portal'.")

    def to_command(self) -> Command[tuple[m.ScimToken, str]]:
        return command(s.create_scim_token, name=self.name)


@strawberry.mutation(description="Issue a SCIM bearer token for the portal's directory sync.")
async def create_scim_token(info: Info, input: Input[CreateScimTokenInput]) -> ScimTokenPayload:
    return ScimTokenPayload.of(await perform(info, input.to_command()))
