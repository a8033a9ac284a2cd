"""rotateScimToken: revoke a token and issue its successor."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import sso as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.sso.payloads import ScimTokenPayload
from schema.types import Info
from services import sso as s


@strawberry.input(description="Replace a SCIM token's secret (the old one stops working).")
class RotateScimTokenInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the ScimToken.")

    def to_command(self) -> Command[tuple[m.ScimToken, str]]:
        return command(s.rotate_scim_token, id=node_key(self.id, "ScimToken"))


@strawberry.mutation(description="Revoke a SCIM token and issue its successor.")
async def rotate_scim_token(info: Info, input: Input[RotateScimTokenInput]) -> ScimTokenPayload:
    return ScimTokenPayload.of(await perform(info, input.to_command()))
