"""testPortalResourceConnection: call a resource and report what came back."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import portal_components as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import TestPortalResourceConnectionPayload
from schema.types import Info
from services import portal as s
from services.portal.probe import ConnectionCheck


@strawberry.input(description="Call a portal resource once to check it answers.")
class TestPortalResourceConnectionInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the PortalResource.")

    def to_command(self, dev_mode: bool) -> Command[tuple[m.PortalResource, ConnectionCheck]]:
        return command(
            s.check_resource_connection,
            id=node_key(self.id, "PortalResource"),
            allow_loopback=dev_mode,
        )


@strawberry.mutation(
    description="Call the resource (5 s, body capped) and report what came back. Outside "
    "dev mode only public addresses are called."
)
async def test_portal_resource_connection(
    info: Info, input: Input[TestPortalResourceConnectionInput]
) -> TestPortalResourceConnectionPayload:
    return TestPortalResourceConnectionPayload.of(
        await perform(info, input.to_command(info.context.dev_mode))
    )
