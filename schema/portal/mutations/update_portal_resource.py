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


@strawberry.input(description=("Changes to a portal resource; omitted fields stay as they are."))
class UpdatePortalResourceInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the PortalResource.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    kind: m.ResourceKind | None = strawberry.field(
        default=strawberry.UNSET, description="New kind."
    )
    endpoint_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="New URL (http or https)."
    )
    method: m.HttpMethod | None = strawberry.field(
        default=strawberry.UNSET, description="New HTTP method."
    )
    interface: str | None = strawberry.field(
        default=strawberry.UNSET, description="New interface description."
    )
    help: str | None = strawberry.field(default=strawberry.UNSET, description="New help text.")
    example: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New example (JSON)."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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


@strawberry.mutation(description="Change a portal resource you registered.")
async def update_portal_resource(
    info: Info, input: Input[UpdatePortalResourceInput]
) -> PortalResourcePayload:
    return PortalResourcePayload.of(await perform(info, input.to_command(info.context.dev_mode)))
