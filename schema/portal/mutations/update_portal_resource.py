"""updatePortalResource: a resource's name, kind, endpoint or help."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import portal_components as m
from resolvers.ids import keep, node_key
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalResourcePayload
from schema.types import Info
from services import portal as s


@strawberry.input
class UpdatePortalResourceInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    kind: m.ResourceKind | None = strawberry.UNSET
    endpoint_url: str | None = strawberry.UNSET
    method: m.HttpMethod | None = strawberry.UNSET
    interface: str | None = strawberry.UNSET
    help: str | None = strawberry.UNSET
    example: JSON | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self, dev_mode: bool) -> Command[m.PortalResource]:
        return command(
            s.update_resource,
            id=node_key(self.id, "PortalResource"),
            name=keep(self.name),
            kind=keep(self.kind),
            endpoint_url=keep(self.endpoint_url),
            method=keep(self.method),
            interface=keep(self.interface),
            help=keep(self.help),
            example=keep(self.example),
            expected_version=self.expected_version,
            allow_loopback=dev_mode,
        )


@strawberry.mutation
async def update_portal_resource(
    info: Info, input: Input[UpdatePortalResourceInput]
) -> PortalResourcePayload:
    return PortalResourcePayload.of(await perform(info, input.to_command(info.context.dev_mode)))
