"""Usage queries: who uses what, and the catalogue of service packages."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay

from resolvers import usage as r
from schema.types import Info
from schema.usage.types import ServicePackage, TenantUsage
from services.errors import ServiceError


@strawberry.type
class UsageQuery:
    @strawberry.field(
        description="Who uses what (资源监控): each tenant's meters now and per day, its "
        "package and quotas, with figures rolled up the tenant tree. Tenant admins: their "
        "tenant (default), or one below it with `tenant`; the platform admin: any tenant, or "
        "every tenant without `tenant`. FORBIDDEN for anyone else."
    )
    async def tenant_usage(
        self,
        info: Info,
        tenant: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="The tenant; default the viewer's (all for the platform admin)."
            ),
        ] = None,
        include_children: Annotated[
            bool, strawberry.argument(description="List every tenant below it as well.")
        ] = False,
        since: Annotated[
            date | None,
            strawberry.argument(
                name="from",
                description="First day of the history (Asia/Shanghai); default "
                "29 days before `to`.",
            ),
        ] = None,
        until: Annotated[
            date | None,
            strawberry.argument(
                name="to",
                description="Last day of the history, included; default today. At "
                "most 366 days in all.",
            ),
        ] = None,
    ) -> list[TenantUsage]:
        try:
            reports = await r.tenant_usage(
                info.context,
                tenant_id=tenant,
                include_children=include_children,
                since=since,
                until=until,
            )
        except ServiceError as error:
            problem = error.problems[0]
            raise GraphQLError(problem.message, extensions={"code": problem.code.value}) from None
        return [TenantUsage(report=report) for report in reports]

    @strawberry.field(
        description="Service packages (服务套餐) on offer, for administrators; the platform "
        "admin also sees retired ones with `includeInactive`."
    )
    async def service_packages(
        self,
        info: Info,
        include_inactive: Annotated[
            bool, strawberry.argument(description="Also retired packages (platform admin).")
        ] = False,
    ) -> list[ServicePackage]:
        rows = await r.service_packages(info.context, include_inactive=include_inactive)
        return [ServicePackage.from_model(row) for row in rows]
