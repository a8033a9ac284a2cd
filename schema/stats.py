"""Statistics (统计分析) for tenant administrators and the platform operator, and the operating
alerts (运行告警) they see."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, cast

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.scalars import JSON

from i18n import _
from models import stats as m
from models.documents import DocumentStatus
from resolvers.pagination import PageArgs
from resolvers.stats import activity, alerts, documents, sql, tasks, usage
from resolvers.stats.alerts import AlertById
from resolvers.stats.scope import DEFAULT_TIME_ZONE, MAX_ROWS, Bucket, StatsScope, stats_scope
from resolvers.tenants import TenantById
from schema.connection import After, Before, Connection, First, Last
from schema.nodes import LoadedNode
from schema.sso.types import AccessDay
from schema.tenants import Tenant
from schema.types import Info, describe_values
from services.errors import ServiceError

strawberry.enum(Bucket, name="StatisticsBucket", description="Day, week or month.")
describe_values(
    Bucket,
    {"DAY": "One day.", "WEEK": "One ISO week (Monday first).", "MONTH": "One calendar month."},
)
strawberry.enum(m.AlertKind, name="AlertKind", description="What an alert is about.")
describe_values(
    m.AlertKind,
    {
        "TASKS_OVERDUE": "Too many overdue tasks in a tenant.",
        "OUTBOX_LAG": "Events are waiting to be published for too long.",
        "QUOTA": "A tenant used 80 % (warning) or 100 % (critical) of a limit of its package.",
        "PACKAGE_EXPIRED": "A tenant's package expired: it is suspended after the grace period.",
    },
)
strawberry.enum(m.AlertStatus, name="AlertStatus", description="Whether an alert still holds.")
describe_values(m.AlertStatus, {"OPEN": "Still holds.", "RESOLVED": "No longer holds."})


@strawberry.type(description="Documents created in one period, of one type, in one status.")
class DocumentCount:
    period: date = strawberry.field(description="First day of the bucket, in the time zone.")
    document_type_code: str = strawberry.field(description="The document type's code.")
    document_type_name: str = strawberry.field(description="The document type's name.")
    status: DocumentStatus = strawberry.field(description="The documents' status.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="How long something took, in seconds.")
class Durations:
    count: int = strawberry.field(description="How many were measured.")
    average_seconds: float | None = strawberry.field(description="Mean, in seconds.")
    p50_seconds: float | None = strawberry.field(description="Median, in seconds.")
    p90_seconds: float | None = strawberry.field(description="90th percentile, in seconds.")

    @classmethod
    def of(cls, d: sql.Durations) -> Durations:
        return cls(count=d.count, average_seconds=d.average, p50_seconds=d.p50, p90_seconds=d.p90)


@strawberry.type(description="服务使用统计: how much one service was used in the period.")
class ServiceUsage:
    service: str = strawberry.field(
        description="The service: documents, exchange, calendar (日程, notes, contacts), "
        "bookings (公共事务), directory, portal, …"
    )
    actions: int = strawberry.field(description="Changes made with it (audited actions).")
    users: int = strawberry.field(description="Distinct people who made them (not the system).")


@strawberry.type(description="Exchange receipts (签收率 / 签收时长).")
class Receipts:
    sent: int = strawberry.field(description="Recipients sent to.")
    delivered: int = strawberry.field(description="Recipients delivered to.")
    signed: int = strawberry.field(description="Recipients who signed for (签收).")
    returned: int = strawberry.field(description="Recipients who returned.")
    receipt_rate: float | None = strawberry.field(description="signed / sent; null if none sent.")
    sign_time: Durations = strawberry.field(description="Time from sending to signing.")


@strawberry.type(description="Processing time of one node (节点) of a flow.")
class NodeDuration:
    flow_key: str = strawberry.field(description="The flow's key.")
    flow_name: str = strawberry.field(description="The flow's name.")
    node_id: str = strawberry.field(description="The node's id.")
    node_name: str = strawberry.field(description="The node's name.")
    durations: Durations = strawberry.field(description="Its processing times.")


@strawberry.type(description="Processing time of a flow, from submission to its end.")
class FlowDuration:
    flow_key: str = strawberry.field(description="The flow's key.")
    flow_name: str = strawberry.field(description="The flow's name.")
    durations: Durations = strawberry.field(description="Its processing times.")


@strawberry.type(description="A person in statistics (of any tenant the numbers cover).")
class StatisticsUser:
    id: relay.GlobalID = strawberry.field(description="Global id of the User.")
    username: str = strawberry.field(description="Sign-in name.")
    display_name: str = strawberry.field(description="Name shown to people.")
    tenant_code: str = strawberry.field(description="Her tenant's code.")

    @classmethod
    def of(cls, p: tasks.Person) -> StatisticsUser:
        return cls(
            id=relay.GlobalID("User", str(p.id)),
            username=p.username,
            display_name=p.display_name,
            tenant_code=p.tenant_code,
        )


@strawberry.type(description="Open tasks overdue now, and tasks closed late in the period.")
class OverdueByUser:
    user: StatisticsUser | None = strawberry.field(description="Null: unclaimed pool tasks.")
    open_overdue: int = strawberry.field(description="Open tasks past their deadline.")
    closed_late: int = strawberry.field(
        description="Tasks closed after their deadline in the period."
    )


@strawberry.type(description="Overdue tasks by the responsible person's primary org unit.")
class OverdueByOrgUnit:
    org_unit_id: relay.GlobalID | None = strawberry.field(description="Global id of the OrgUnit.")
    org_unit_name: str | None = strawberry.field(description="Its name.")
    tenant_code: str = strawberry.field(description="Its tenant's code.")
    open_overdue: int = strawberry.field(description="Open tasks past their deadline.")
    closed_late: int = strawberry.field(
        description="Tasks closed after their deadline in the period."
    )


@strawberry.type(description="Workload (工作量) of one person.")
class Workload:
    user: StatisticsUser = strawberry.field(description="The person.")
    open_tasks: int = strawberry.field(description="Assigned to them and open now.")
    done_in_period: int = strawberry.field(description="Completed by them in the period.")
    average_handling_seconds: float | None = strawberry.field(
        description="Mean time from a task's opening to its closing, in seconds."
    )


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


@strawberry.type(name="Alert", description="运行告警: a threshold crossed, open until it clears.")
class Alert(LoadedNode):
    id: relay.NodeID[str]
    kind: m.AlertKind = strawberry.field(description="What is wrong.")
    status: m.AlertStatus = strawberry.field(description="Open or resolved.")
    severity: str = strawberry.field(description="How serious, e.g. warning.")
    value: float = strawberry.field(description="The measured value.")
    threshold: float = strawberry.field(description="The threshold it crossed.")
    message: str = strawberry.field(description="What is wrong, for people.")
    data: JSON = strawberry.field(description="Details (JSON).")
    raised_at: datetime = strawberry.field(description="When it was raised.")
    resolved_at: datetime | None = strawberry.field(
        description="When it was resolved; null while open."
    )
    tenant_id: strawberry.Private[uuid.UUID]

    loader = AlertById

    @classmethod
    def from_model(cls, row: m.Alert) -> Alert:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=row.status,
            severity=row.severity,
            value=row.value,
            threshold=row.threshold,
            message=row.message,
            data=cast(JSON, row.data),
            raised_at=row.raised_at,
            resolved_at=row.resolved_at,
            tenant_id=row.tenant_id,
        )

    @strawberry.field(description="The tenant concerned, or null for the platform.")
    async def tenant(self, info: Info) -> Tenant | None:
        row = await TenantById(info.context).load(self.tenant_id)
        return Tenant.from_model(row) if row else None


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
