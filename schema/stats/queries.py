"""The statistics root fields: `statistics` and `alerts`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay

from models import stats as m
from resolvers.pagination import PageArgs
from resolvers.stats import alerts
from resolvers.stats.scope import DEFAULT_TIME_ZONE, stats_scope
from schema.connection import After, Before, Connection, First, Last
from schema.stats.alerts import Alert
from schema.stats.statistics import Statistics
from schema.types import Info
from services.errors import ServiceError


@strawberry.type
class StatsQuery:
    @strawberry.field(
        description="统计分析 for tenant admins (their tenant, or one below it with `tenant`; "
        "`includeChildren` adds every tenant below) and the platform admin (every tenant by "
        "default). Period [from, to): default the last 30 days."
    )
    async def statistics(
        self,
        info: Info,
        tenant: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description=(
                    "Global id of a Tenant to report on; default the viewer's (platform "
                    "admins: every tenant)."
                )
            ),
        ] = None,
        include_children: Annotated[
            bool, strawberry.argument(description="Also count the tenants below it (区 below 市).")
        ] = False,
        since: Annotated[
            datetime | None,
            strawberry.argument(
                name="from",
                description=(
                    "Start of the period (inclusive, ISO 8601); default 30 days before `to`."
                ),
            ),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(
                name="to",
                description=(
                    "End of the period (exclusive, ISO 8601); default now; at most 3 × 366 days"
                    " after `from`."
                ),
            ),
        ] = None,
        time_zone: Annotated[
            str,
            strawberry.argument(
                description=("IANA time zone the buckets follow, e.g. Asia/Shanghai.")
            ),
        ] = DEFAULT_TIME_ZONE,
    ) -> Statistics:
        try:
            scope = await stats_scope(
                info.context,
                tenant_id=tenant,
                include_children=include_children,
                since=since,
                until=until,
                time_zone=time_zone,
            )
        except ServiceError as error:
            problem = error.problems[0]
            raise GraphQLError(problem.message, extensions={"code": problem.code.value}) from None
        return Statistics(scope=scope)

    @strawberry.field(description="Alerts of the tenants an admin sees, newest first.")
    async def alerts(
        self,
        info: Info,
        status: Annotated[
            m.AlertStatus | None,
            strawberry.argument(description="Only alerts in this status; omit for all."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Alert]:
        page = await alerts.alerts(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Alert.from_model)
