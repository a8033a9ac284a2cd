"""The tenant root fields: tenants, registrations to review, an application's status."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import tenants as m
from resolvers import tenants as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.tenants.types import Tenant, TenantApplication, TenantApplicationStatus
from schema.types import Info


@strawberry.input(description="Which tenants to list.")
class TenantFilter:
    status: m.TenantStatus | None = strawberry.field(
        default=None, description="Only tenants in this status."
    )
    search: str | None = strawberry.field(default=None, description="Code or name.")


@strawberry.type
class TenantQuery:
    @strawberry.field(
        description="Tenants the viewer may see: all for platform admins, its own and those "
        "below it for a tenant admin, its own for everyone else."
    )
    async def tenants(
        self,
        info: Info,
        filter: Annotated[
            TenantFilter | None,
            strawberry.argument(description="Narrow by status; omit for every tenant you may see."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Tenant]:
        f = filter or TenantFilter()
        page = await r.tenant_list(
            info.context,
            status=f.status,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, Tenant.from_model)

    @strawberry.field(description="Registrations to review (platform admins).")
    async def tenant_applications(
        self,
        info: Info,
        status: Annotated[
            m.ApplicationStatus | None,
            strawberry.argument(description="Only applications in this status; omit for all."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TenantApplication]:
        page = await r.applications(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, TenantApplication.from_model)

    @strawberry.field(
        description="An application's status, for its applicant: pass the `statusSecret` that "
        "applyForTenant returned. Null for any other value."
    )
    async def tenant_application_status(
        self,
        secret: Annotated[
            str,
            strawberry.argument(
                description="The secret `applyForTenant` returned to the applicant."
            ),
        ],
    ) -> TenantApplicationStatus | None:
        row = await r.application_status(secret)
        if row is None:
            return None
        return TenantApplicationStatus(
            status=row.status, reason=row.reason, decided_at=row.decided_at
        )
