"""The figures statistics are made of: counts, durations, receipts, usage, overdue tasks and
workload, each a plain value type built from a resolver's row."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from models.documents import DocumentStatus
from resolvers.stats import sql, tasks
from resolvers.stats.scope import Bucket
from schema.types import describe_values

strawberry.enum(Bucket, name="StatisticsBucket", description="Day, week or month.")
describe_values(
    Bucket,
    {"DAY": "One day.", "WEEK": "One ISO week (Monday first).", "MONTH": "One calendar month."},
)


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
