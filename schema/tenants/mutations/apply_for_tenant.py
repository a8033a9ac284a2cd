"""applyForTenant: a department applies for a tenant, anonymous or signed in."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from models import tenants as m
from resolvers import tenants as r
from schema.mutations import Command, Input, Outcome, command, perform
from schema.tenants.payloads import TenantApplicationPayload
from schema.types import Info
from services import tenants as s


@strawberry.input(description="A department's application for a tenant (租户申请).")
class ApplyForTenantInput:
    code: str = strawberry.field(description="Short unique code, e.g. 'bj-jxw'.")
    name: str = strawberry.field(description="The department's name; 1 to 200 characters.")
    applicant_name: str = strawberry.field(description="Who applies; 1 to 100 characters.")
    applicant_email: str = strawberry.field(description="The applicant's e-mail address.")
    admin_username: str = strawberry.field(description="Username of the first administrator.")
    parent_code: str | None = strawberry.field(
        default=None, description="Code of the parent tenant (city → district → street)."
    )
    applicant_phone: str | None = strawberry.field(
        default=None, description="The applicant's phone number, optional."
    )
    details: JSON | None = strawberry.field(
        default=None, description="Anything the reviewer should know."
    )

    def to_command(self) -> Command[tuple[m.TenantApplication, str]]:
        return command(
            s.apply_for_tenant,
            code=self.code,
            name=self.name,
            parent_code=self.parent_code,
            applicant_name=self.applicant_name,
            applicant_email=self.applicant_email,
            applicant_phone=self.applicant_phone,
            admin_username=self.admin_username,
            details=cast(dict[str, Any] | None, self.details),  # the service checks it
        )


@strawberry.mutation(
    description="Apply for a new tenant (self-service registration), anonymous or signed in."
)
async def apply_for_tenant(
    info: Info, input: Input[ApplyForTenantInput]
) -> TenantApplicationPayload:
    limited = await r.rate_limited(info.context)
    if limited is not None:
        return TenantApplicationPayload.applied(Outcome(None, (limited,)))
    return TenantApplicationPayload.applied(await perform(info, input.to_command()))
