"""registerPortalResource: integrate an external resource (资源接入)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from models import portal_components as m
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalResourcePayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="A new portal resource.")
class RegisterPortalResourceInput:
    key: str = strawberry.field(description="Stable key, unique on the platform.")
    name: str = strawberry.field(description="Display name.")
    kind: m.ResourceKind = strawberry.field(description="What kind of resource it is.")
    endpoint_url: str = strawberry.field(description="Its URL (http or https).")
    method: m.HttpMethod = strawberry.field(
        default=m.HttpMethod.GET, description="HTTP method to call it with (default GET)."
    )
    interface: str | None = strawberry.field(
        default=None, description="Interface description: parameters, answers, formats."
    )
    help: str | None = strawberry.field(default=None, description="Help text for administrators.")
    example: JSON | None = strawberry.field(
        default=None, description="An example call; POST tests send it as the JSON body."
    )
    standard: bool = strawberry.field(
        default=False, description="Share it with every tenant (platform admins)."
    )

    def to_command(self, dev_mode: bool) -> Command[m.PortalResource]:
        return command(
            s.register_resource,
            key=self.key,
            name=self.name,
            kind=self.kind,
            endpoint_url=self.endpoint_url,
            method=self.method,
            interface=self.interface,
            help=self.help,
            example=self.example,
            standard=self.standard,
            allow_loopback=dev_mode,
        )


@strawberry.mutation(description="Integrate an external resource (资源接入).")
async def register_portal_resource(
    info: Info, input: Input[RegisterPortalResourceInput]
) -> PortalResourcePayload:
    return PortalResourcePayload.of(await perform(info, input.to_command(info.context.dev_mode)))
