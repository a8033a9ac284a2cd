"""`Statistics`: the numbers over one scope of tenants and period, each field one query."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay

from i18n import _
from models.documents import DocumentStatus
from resolvers.stats import activity, documents, tasks, usage
from resolvers.stats.scope import MAX_ROWS, Bucket, StatsScope
from schema.sso.types import AccessDay
from schema.stats.figures import (
    DocumentCount,
    Durations,
    FlowDuration,
    NodeDuration,
    OverdueByOrgUnit,
    OverdueByUser,
    Receipts,
    ServiceUsage,
    StatisticsUser,
    Workload,
)
from schema.tenants.types import Tenant


@strawberry.type(
    name="Statistics",
    description="统计分析 over the tenants in `tenants` and the period [from, to).",
)
class Statistics:
    scope: strawberry.Private[StatsScope]

    @strawberry.field(name="from", description="Start of the period (inclusive).")
    def since(self) -> datetime:
        return self.scope.since

    @strawberry.field(
        description="For the platform-wide view: when the rollups behind documents and "
        "durations were built (whole days; percentiles to about 19 %). Null when live."
    )
    def rolled_up_at(self) -> datetime | None:
        return self.scope.rolled_up_at

    @strawberry.field(name="to", description="End of the period (exclusive).")
    def until(self) -> datetime:
        return self.scope.until

    @strawberry.field(description="Time zone of the buckets.")
    def time_zone(self) -> str:
        return self.scope.time_zone

    @strawberry.field(description="True when the numbers cover every tenant (platform admin).")
    def every_tenant(self) -> bool:
        return self.scope.every_tenant

    @strawberry.field(description="The tenants covered; empty when everyTenant.")
    def tenants(self) -> list[Tenant]:
        return [Tenant.from_model(t) for t in self.scope.tenants]

    @strawberry.field(description="Documents created in the period by bucket, type and status.")
    async def documents(
        self,
        bucket: Annotated[
            Bucket, strawberry.argument(description="Day, week or month buckets.")
        ] = Bucket.MONTH,
    ) -> list[DocumentCount]:
        return [
            DocumentCount(
                period=row.period,
                document_type_code=row.type_code,
                document_type_name=row.type_name,
                status=DocumentStatus(row.status),
                count=row.count,
            )
            for row in await documents.documents(self.scope, bucket)
        ]

    @strawberry.field(description="Task processing time per flow node (tasks closed in period).")
    async def node_durations(self) -> list[NodeDuration]:
        return [
            NodeDuration(
                flow_key=row.flow_key,
                flow_name=row.flow_name,
                node_id=row.node_id,
                node_name=row.node_name,
                durations=Durations.of(row.durations),
            )
            for row in await documents.node_durations(self.scope)
        ]

    @strawberry.field(description="Document processing time per flow (flows ended in period).")
    async def flow_durations(self) -> list[FlowDuration]:
        return [
            FlowDuration(
                flow_key=row.flow_key,
                flow_name=row.flow_name,
                durations=Durations.of(row.durations),
            )
            for row in await documents.flow_durations(self.scope)
        ]

    @strawberry.field(description="Overdue tasks per person, most first.")
    async def overdue_by_user(
        self,
        first: Annotated[
            int, strawberry.argument(description="How many people, at most 500.")
        ] = 50,
    ) -> list[OverdueByUser]:
        rows = await tasks.overdue_by_user(self.scope, _limit(first))
        return [
            OverdueByUser(
                user=StatisticsUser.of(row.person) if row.person else None,
                open_overdue=row.overdue.open_overdue,
                closed_late=row.overdue.closed_late,
            )
            for row in rows
        ]

    @strawberry.field(description="Overdue tasks per org unit, most first.")
    async def overdue_by_org_unit(
        self,
        first: Annotated[
            int, strawberry.argument(description="How many org units, at most 500.")
        ] = 50,
    ) -> list[OverdueByOrgUnit]:
        rows = await tasks.overdue_by_org_unit(self.scope, _limit(first))
        return [
            OverdueByOrgUnit(
                org_unit_id=relay.GlobalID("OrgUnit", str(row.org_unit_id))
                if row.org_unit_id
                else None,
                org_unit_name=row.org_unit_name,
                tenant_code=row.tenant_code,
                open_overdue=row.overdue.open_overdue,
                closed_late=row.overdue.closed_late,
            )
            for row in rows
        ]

    @strawberry.field(description="Workload per person, the busiest first.")
    async def workload(
        self,
        first: Annotated[
            int, strawberry.argument(description="How many people, at most 500.")
        ] = 50,
    ) -> list[Workload]:
        return [
            Workload(
                user=StatisticsUser.of(row.person),
                open_tasks=row.open_tasks,
                done_in_period=row.done,
                average_handling_seconds=row.average_seconds,
            )
            for row in await tasks.workload(self.scope, _limit(first))
        ]

    @strawberry.field(
        description="公文交换: recipients of the dispatches sent in the period and how they "
        "were received (sign time: sent → signed)."
    )
    async def receipts(self) -> Receipts:
        found = await activity.receipts(self.scope)
        return Receipts(
            sent=found.sent,
            delivered=found.delivered,
            signed=found.signed,
            returned=found.returned,
            receipt_rate=found.receipt_rate,
            sign_time=Durations.of(found.sign_time),
        )

    @strawberry.field(
        description="服务使用统计: per service, the actions taken in the period and by how many "
        "people (from the audit log), the most used first."
    )
    async def service_usage(self) -> list[ServiceUsage]:
        return [
            ServiceUsage(service=u.service, actions=u.actions, users=u.users)
            for u in await usage.usage(self.scope)
        ]

    @strawberry.field(
        description="门户访问统计 per day (UTC): sign-ins, failures, active users and use per "
        "service component; the same buckets as `accessStats`, over these tenants."
    )
    async def access(self) -> list[AccessDay]:
        return [AccessDay.of(day) for day in await activity.access(self.scope)]


def _limit(first: int) -> int:
    if not 0 < first <= MAX_ROWS:
        raise GraphQLError(
            _("first is between 1 and {MAX_ROWS}", MAX_ROWS=MAX_ROWS),
            extensions={"code": "BAD_USER_INPUT"},
        )
    return first
