"""applyForPortalService: ask for a standard component or a shared resource."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import portal_components as m
from resolvers.ids import node_uuid
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import ServiceApplicationPayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="Apply to use a component or resource of another tenant.")
class ApplyForPortalServiceInput:
    component_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A standard component; or pass resourceId."
    )
    resource_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Global id of a PortalResource; or pass componentId or packageId.",
    )
    package_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Global id of a ServicePackage (服务套餐); approval assigns it to the "
        "tenant for the package's term.",
    )
    note: str | None = strawberry.field(default=None, description="Why the tenant needs it.")

    def to_command(self) -> Command[m.ServiceApplication]:
        return command(
            s.apply_for_service,
            component_id=node_uuid(self.component_id, "PortalComponent"),
            resource_id=node_uuid(self.resource_id, "PortalResource"),
            package_id=node_uuid(self.package_id, "ServicePackage"),
            note=self.note,
        )


@strawberry.mutation(
    description="Apply for a standard component, a shared resource or a service package."
)
async def apply_for_portal_service(
    info: Info, input: Input[ApplyForPortalServiceInput]
) -> ServiceApplicationPayload:
    return ServiceApplicationPayload.of(await perform(info, input.to_command()))
