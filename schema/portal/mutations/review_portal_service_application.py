"""reviewPortalServiceApplication: approve, or reject with a reason."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import portal_components as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import ServiceApplicationPayload
from schema.types import Info
from services import portal as s


@strawberry.input(description="A decision on a service application.")
class ReviewPortalServiceApplicationInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the ServiceApplication.")
    approve: bool = strawberry.field(description="True approves, false rejects.")
    reason: str | None = strawberry.field(default=None, description="Required to reject.")

    def to_command(self) -> Command[m.ServiceApplication]:
        return command(
            s.review_service_application,
            application_id=node_key(self.id, "ServiceApplication"),
            approve=self.approve,
            reason=self.reason,
        )


@strawberry.mutation(
    description="Approve, or reject with a reason, a service application (platform admins)."
)
async def review_portal_service_application(
    info: Info, input: Input[ReviewPortalServiceApplicationInput]
) -> ServiceApplicationPayload:
    return ServiceApplicationPayload.of(await perform(info, input.to_command()))
