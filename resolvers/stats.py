"""Statistics (统计分析) as SQL aggregates: documents per period, processing times per node and
flow, overdue tasks, workload, and the open alerts.

Who sees what: a tenant admin its own tenant and the tenants below it (`tenant` argument, default
its own), the platform admin every tenant. Each statement names the tenants it may read
(`tenant_id = ANY($1)`), computed from the same rule as `resolvers.tenants.can_see`; the
platform admin's "every tenant" is the only statement without that clause.

One statement per figure for PostgreSQL and the embedded SQLite alike: the few expressions the
two spell differently (time zones, epoch seconds, percentiles, arrays) come from `Sql`, SQLite's
from the functions `models.sqlite` installs. SQLite is slower at it, not different.
"""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise import connections
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from models.access import Permission
from models.scope import across_tenants
from models.stats import Alert, AlertStatus, RollupState
from models.tenants import Tenant
from resolvers import sso
from resolvers.context import Context
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.tenants import visible_tenant
from services import stats
from services.errors import Code, ServiceError, signed_in
from services.stats import OVERDUE, is_postgres

DEFAULT_TIME_ZONE = stats.DEFAULT_TIME_ZONE
MAX_SPAN = timedelta(days=3 * 366)
DEFAULT_SPAN = timedelta(days=30)
MAX_ROWS = 500


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class StatsScope:
    """The tenants and the half-open period [since, until) a statistics query covers."""

    tenants: list[Tenant]
    every_tenant: bool
    since: datetime
    until: datetime
    time_zone: str
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    rolled_up_at: datetime | None = None
    """Set when the platform-wide view is answered from the rollups built at this time."""

    @property
    def days(self) -> tuple[date, date]:
        """The first and last day of the period in its time zone (rollups count whole days)."""
        zone = ZoneInfo(self.time_zone)
        last = self.until - timedelta(microseconds=1)
        return self.since.astimezone(zone).date(), last.astimezone(zone).date()

    @property
    def tenant_ids(self) -> list[uuid.UUID]:
        return [t.id for t in self.tenants]

    def where(self, alias: str, params: list[Any]) -> str:
        """`AND <alias>.tenant_id = ANY($n)`, unless the platform admin asked for everything."""
        if self.every_tenant:
            return ""
        params.append(self.tenant_ids)
        return f" AND {sql().any(f'{alias}.tenant_id', f'${len(params)}')}"


@dataclass(frozen=True)
class Sql:
    """The expressions PostgreSQL and SQLite spell differently, in one place; the rest of each
    statement is the same text on both. Parameters are written `$n` for both (`_rows`)."""

    postgres: bool

    def period(self, bucket: str, moment: str, zone: str) -> str:
        """The first day of the bucket `moment` falls in, in the time zone."""
        if self.postgres:
            return f"date_trunc({bucket}, {moment} AT TIME ZONE {zone})::date"
        return f"oc_period({bucket}, {moment}, {zone})"

    def seconds(self, end: str, start: str) -> str:
        if self.postgres:
            return f"extract(epoch FROM {end} - {start})"
        return f"oc_seconds({end}, {start})"

    def percentile(self, q: float, values: str) -> str:
        """Linear interpolation between the closest ranks of `values` (NULLs left out)."""
        if self.postgres:
            return f"percentile_cont({q}) WITHIN GROUP (ORDER BY {values})"
        return f"oc_percentile({q}, json_group_array({values}))"

    def any(self, column: str, array: str) -> str:
        """`column` is one of the values in the array parameter."""
        if self.postgres:
            return f"{column} = ANY({array})"
        return f"{column} IN (SELECT value FROM json_each({array}))"


def sql() -> Sql:
    return Sql(is_postgres())


def is_admin(ctx: Context) -> bool:
    actor = ctx.actor
    return actor is not None and (actor.is_platform_admin or actor.has(Permission.TENANT_ADMIN))


async def stats_scope(
    ctx: Context,
    *,
    tenant_id: Any,
    include_children: bool,
    since: datetime | None,
    until: datetime | None,
    time_zone: str,
) -> StatsScope:
    """Check who asks and what for; raises ServiceError (FORBIDDEN, NOT_FOUND, INVALID)."""
    actor = signed_in(ctx.actor)
    if not is_admin(ctx):
        raise ServiceError.of(Code.FORBIDDEN, "Statistics are for tenant administrators")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ServiceError.of(Code.INVALID, f"Unknown time zone '{time_zone}'", "timeZone") from exc
    until = _aware(until) or datetime.now(UTC)
    since = _aware(since) or until - DEFAULT_SPAN
    if not since < until or until - since > MAX_SPAN:
        raise ServiceError.of(Code.INVALID, "Ask for a period of up to three years", "from")
    every = False
    if tenant_id is not None:
        key = node_uuid(tenant_id, "Tenant")
        tenant = await visible_tenant(ctx, key) if isinstance(key, uuid.UUID) else None
        if tenant is None:
            raise ServiceError.of(Code.NOT_FOUND, "Tenant not found", "tenant")
    else:
        tenant = await Tenant.get(id=actor.tenant_id)
        every = actor.is_platform_admin
    tenants = [tenant]
    if include_children and not every:
        tenants = await Tenant.filter(path__startswith=tenant.path).order_by("path")
    if every:
        tenants = []
    rolled_up_at = None
    if every and is_postgres():  # rollups are built on PostgreSQL only
        state = await RollupState.get_or_none(name="platform")
        if state is not None and state.time_zone == time_zone:
            rolled_up_at = state.built_at
    return StatsScope(tenants, every, since, until, time_zone, rolled_up_at=rolled_up_at)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _rows(statement: str, params: list[Any]) -> list[dict[str, Any]]:
    if not is_postgres():
        statement = re.sub(r"\$(\d+)", r"?\1", statement)
        params = [_sqlite_value(p) for p in params]
    client = connections.get("default")
    rows: list[dict[str, Any]] = await client.execute_query_dict(statement, params)
    return rows


def _sqlite_value(value: Any) -> Any:
    """A parameter as SQLite stores it (UUIDs and UTC timestamps as text, arrays as JSON)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(" ")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return json.dumps([_sqlite_value(v) for v in value])
    return value


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _uuid(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))


@dataclass(frozen=True)
class DocumentCount:
    period: date
    type_code: str
    type_name: str
    status: str
    count: int


def documents_sql(scope: StatsScope, bucket: Bucket) -> tuple[str, list[Any]]:
    params: list[Any] = [bucket.value, scope.time_zone, scope.since, scope.until]
    statement = (
        f"SELECT {sql().period('$1', 'd.created_at', '$2')} AS period, "
        "t.code, min(t.name) AS name, d.status, count(*) AS n "
        "FROM document d JOIN document_type t ON t.id = d.document_type_id "
        f"WHERE d.created_at >= $3 AND d.created_at < $4{scope.where('d', params)} "
        "GROUP BY 1, t.code, d.status ORDER BY 1, t.code, d.status"
    )
    return statement, params


def rolled_up_documents_sql(scope: StatsScope, bucket: Bucket) -> tuple[str, list[Any]]:
    first, last = scope.days
    sql = (
        "SELECT date_trunc($1, r.day)::date AS period, r.type_code AS code, "
        "min(r.type_name) AS name, r.status, sum(r.count)::int AS n FROM stats_document_day r "
        "WHERE r.day >= $2 AND r.day <= $3 "
        "GROUP BY 1, r.type_code, r.status ORDER BY 1, r.type_code, r.status"
    )
    return sql, [bucket.value, first, last]


async def documents(scope: StatsScope, bucket: Bucket) -> list[DocumentCount]:
    """Documents created in the period, by bucket (in the scope's time zone), type and status."""
    make = rolled_up_documents_sql if scope.rolled_up_at else documents_sql
    rows = await _rows(*make(scope, bucket))
    return [
        DocumentCount(_date(r["period"]), r["code"], r["name"], r["status"], r["n"]) for r in rows
    ]


@dataclass(frozen=True)
class Durations:
    count: int
    average: float | None
    p50: float | None
    p90: float | None


def _durations(row: dict[str, Any]) -> Durations:
    def seconds(name: str) -> float | None:
        value = row[name]
        return None if value is None else round(float(value), 3)

    return Durations(row["n"], seconds("avg"), seconds("p50"), seconds("p90"))


def aggregates(secs: str) -> str:
    """Count, average, p50 and p90 of a column of seconds (`Durations`)."""
    q = sql()
    return (
        f"count({secs}) AS n, avg({secs}) AS avg, "
        f"{q.percentile(0.5, secs)} AS p50, {q.percentile(0.9, secs)} AS p90"
    )


@dataclass(frozen=True)
class NodeDuration:
    flow_key: str
    flow_name: str
    node_id: str
    node_name: str
    durations: Durations


async def rolled_up_durations(scope: StatsScope, kind: str) -> dict[tuple[str, str], Any]:
    """Durations per (flow, node) from the rollups: exact counts and averages, percentiles to
    the precision of a bucket."""
    first, last = scope.days
    rows = await _rows(
        "SELECT r.flow_key, min(r.flow_name) AS flow_name, r.node_id, min(r.node_name) AS "
        "node_name, r.bucket, sum(r.count)::int AS n, sum(r.seconds) AS secs "
        "FROM stats_duration_day r WHERE r.kind = $1 AND r.day >= $2 AND r.day <= $3 "
        "GROUP BY r.flow_key, r.node_id, r.bucket ORDER BY r.flow_key, r.node_id, r.bucket",
        [kind, first, last],
    )
    groups: dict[tuple[str, str], Any] = {}
    for row in rows:
        group = groups.setdefault(
            (row["flow_key"], row["node_id"]),
            {"flow_name": row["flow_name"], "node_name": row["node_name"], "buckets": []},
        )
        group["buckets"].append((row["bucket"], row["n"], float(row["secs"])))
    for group in groups.values():
        group["durations"] = _bucketed(group["buckets"])
    return groups


def _bucketed(buckets: list[tuple[int, int, float]]) -> Durations:
    count = sum(n for _, n, _ in buckets)

    def quantile(q: float) -> float:
        seen = 0
        for bucket, n, _ in buckets:
            seen += n
            if seen >= q * count:
                return round(stats.bucket_seconds(bucket), 3)
        return round(stats.bucket_seconds(buckets[-1][0]), 3)

    total = sum(secs for _, _, secs in buckets)
    return Durations(count, round(total / count, 3), quantile(0.5), quantile(0.9))


async def node_durations(scope: StatsScope) -> list[NodeDuration]:
    """How long completed tasks took (created → closed), per flow and node, for tasks closed in
    the period."""
    if scope.rolled_up_at:
        groups = await rolled_up_durations(scope, "node")
        return [
            NodeDuration(key, g["flow_name"], node, g["node_name"], g["durations"])
            for (key, node), g in groups.items()
        ]
    params: list[Any] = [scope.since, scope.until]
    rows = await _rows(
        "SELECT f.key, min(f.name) AS flow_name, k.node_id, min(k.node_name) AS node_name, "
        f"{aggregates('secs')} FROM ("
        "  SELECT k.document_id, k.node_id, k.node_name, "
        f"  {sql().seconds('k.closed_at', 'k.created_at')} AS secs FROM task k"
        "  WHERE k.status = 'completed' AND k.closed_at >= $1 AND k.closed_at < $2"
        f"  {scope.where('k', params)}) k "
        "JOIN document d ON d.id = k.document_id "
        "JOIN flow_version v ON v.id = d.flow_version_id "
        "JOIN flow_definition f ON f.id = v.flow_id "
        "GROUP BY f.key, k.node_id ORDER BY f.key, k.node_id",
        params,
    )
    return [
        NodeDuration(r["key"], r["flow_name"], r["node_id"], r["node_name"], _durations(r))
        for r in rows
    ]


@dataclass(frozen=True)
class FlowDuration:
    flow_key: str
    flow_name: str
    durations: Durations


async def flow_durations(scope: StatsScope) -> list[FlowDuration]:
    """How long documents took from submission to the end of their flow, per flow, for
    documents whose flow ended in the period."""
    if scope.rolled_up_at:
        groups = await rolled_up_durations(scope, "flow")
        return [FlowDuration(key, g["flow_name"], g["durations"]) for (key, _), g in groups.items()]
    params: list[Any] = [scope.since, scope.until]
    rows = await _rows(
        f"SELECT f.key, min(f.name) AS flow_name, {aggregates('secs')} FROM ("
        f"  SELECT d.flow_version_id, {sql().seconds('d.completed_at', 'd.submitted_at')} AS secs"
        "  FROM document d WHERE d.submitted_at IS NOT NULL"
        f"  AND d.completed_at >= $1 AND d.completed_at < $2{scope.where('d', params)}) d "
        "JOIN flow_version v ON v.id = d.flow_version_id "
        "JOIN flow_definition f ON f.id = v.flow_id GROUP BY f.key ORDER BY f.key",
        params,
    )
    return [FlowDuration(r["key"], r["flow_name"], _durations(r)) for r in rows]


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    username: str
    display_name: str
    tenant_code: str


@dataclass(frozen=True)
class Overdue:
    """Open tasks overdue now, and tasks closed after their deadline in the period."""

    open_overdue: int
    closed_late: int


def _overdue_tasks(scope: StatsScope, params: list[Any]) -> str:
    """Tasks overdue now or closed late in the period, with the person responsible (the
    assignee of an open task, whoever acted on a closed one)."""
    params += [scope.now, scope.since, scope.until]
    now, since, until = (f"${len(params) - i}" for i in (2, 1, 0))
    where = scope.where("k", params)
    return (
        "SELECT k.tenant_id, "
        "CASE WHEN k.status = 'open' THEN k.assignee_id ELSE k.acted_by_id END AS user_id, "
        f"(k.status = 'open') AS is_open FROM task k WHERE (({OVERDUE.format(now=now)}) OR "
        f"(k.closed_at >= {since} AND k.closed_at < {until} AND k.closed_at > k.due_at)){where}"
    )


LATE = (
    "count(*) FILTER (WHERE o.is_open) AS open_overdue, "
    "count(*) FILTER (WHERE NOT o.is_open) AS closed_late"
)


@dataclass(frozen=True)
class OverdueByUser:
    person: Person | None
    overdue: Overdue


async def overdue_by_user(scope: StatsScope, limit: int) -> list[OverdueByUser]:
    params: list[Any] = []
    inner = _overdue_tasks(scope, params)
    params.append(limit)
    rows = await _rows(
        f"SELECT o.user_id, u.username, u.display_name, tn.code, {LATE} FROM ({inner}) o "
        "LEFT JOIN app_user u ON u.id = o.user_id JOIN tenant tn ON tn.id = o.tenant_id "
        "GROUP BY o.user_id, u.username, u.display_name, tn.code "
        "ORDER BY open_overdue DESC, closed_late DESC, u.username NULLS LAST "
        f"LIMIT ${len(params)}",
        params,
    )
    return [
        OverdueByUser(
            Person(uuid.UUID(str(r["user_id"])), r["username"], r["display_name"], r["code"])
            if r["user_id"]
            else None,
            Overdue(r["open_overdue"], r["closed_late"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class OverdueByOrgUnit:
    org_unit_id: uuid.UUID | None
    org_unit_name: str | None
    tenant_code: str
    overdue: Overdue


async def overdue_by_org_unit(scope: StatsScope, limit: int) -> list[OverdueByOrgUnit]:
    """Grouped by the responsible person's primary org unit (none for unclaimed pool tasks)."""
    params: list[Any] = []
    inner = _overdue_tasks(scope, params)
    params.append(limit)
    rows = await _rows(
        f"SELECT ou.id, ou.name, tn.code, {LATE} FROM ({inner}) o "
        "LEFT JOIN app_user u ON u.id = o.user_id "
        "LEFT JOIN org_unit ou ON ou.id = u.primary_org_unit_id "
        "JOIN tenant tn ON tn.id = o.tenant_id GROUP BY ou.id, ou.name, tn.code "
        "ORDER BY open_overdue DESC, closed_late DESC, ou.name NULLS LAST "
        f"LIMIT ${len(params)}",
        params,
    )
    return [
        OverdueByOrgUnit(
            _uuid(r["id"]), r["name"], r["code"], Overdue(r["open_overdue"], r["closed_late"])
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Workload:
    person: Person
    open_tasks: int
    done: int
    average_seconds: float | None


def workload_sql(scope: StatsScope, limit: int) -> tuple[str, list[Any]]:
    params: list[Any] = [scope.since, scope.until]
    open_where, done_where = scope.where("k", params), scope.where("k", params)
    params.append(limit)
    statement = (
        "SELECT w.user_id, u.username, u.display_name, tn.code, sum(w.open) AS open, "
        "sum(w.done) AS done, sum(w.secs) / nullif(sum(w.done), 0) AS avg FROM ("
        "  SELECT k.assignee_id AS user_id, count(*) AS open, 0 AS done, 0 AS secs FROM task k"
        f"  WHERE k.status = 'open' AND k.assignee_id IS NOT NULL{open_where}"
        "  GROUP BY k.assignee_id"
        "  UNION ALL"
        f"  SELECT k.acted_by_id, 0, count(*), sum({sql().seconds('k.closed_at', 'k.created_at')})"
        "  FROM task k WHERE k.status = 'completed' AND k.acted_by_id IS NOT NULL"
        f"  AND k.closed_at >= $1 AND k.closed_at < $2{done_where} GROUP BY k.acted_by_id"
        ") w JOIN app_user u ON u.id = w.user_id JOIN tenant tn ON tn.id = u.tenant_id "
        "GROUP BY w.user_id, u.username, u.display_name, tn.code "
        f"ORDER BY open DESC, done DESC, u.username LIMIT ${len(params)}"
    )
    return statement, params


async def workload(scope: StatsScope, limit: int) -> list[Workload]:
    """Per person: open tasks assigned now, tasks completed in the period and how long those
    took on average; the busiest first."""
    rows = await _rows(*workload_sql(scope, limit))
    return [
        Workload(
            Person(uuid.UUID(str(r["user_id"])), r["username"], r["display_name"], r["code"]),
            int(r["open"]),
            int(r["done"]),
            None if r["avg"] is None else round(float(r["avg"]), 3),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Receipts:
    """公文交换: what the scope's tenants sent in the period and how it was received."""

    sent: int
    delivered: int
    signed: int
    returned: int
    sign_time: Durations

    @property
    def receipt_rate(self) -> float | None:
        return round(self.signed / self.sent, 4) if self.sent else None


async def receipts(scope: StatsScope) -> Receipts:
    """Recipients of dispatches sent in the period, by status; sign time = sent → signed."""
    params: list[Any] = [scope.since, scope.until]
    (row,) = await _rows(
        "SELECT count(*) AS sent, "
        "count(*) FILTER (WHERE x.delivered_at IS NOT NULL) AS delivered, "
        "count(*) FILTER (WHERE x.status = 'signed') AS signed, "
        "count(*) FILTER (WHERE x.status = 'returned') AS returned, "
        f"{aggregates('x.secs')} FROM ("
        f"  SELECT r.status, r.delivered_at, {sql().seconds('r.signed_at', 'r.created_at')} AS secs"
        "  FROM exchange_recipient r WHERE r.created_at >= $1 AND r.created_at < $2"
        f"  {scope.where('r', params)}) x",
        params,
    )
    return Receipts(
        int(row["sent"]),
        int(row["delivered"]),
        int(row["signed"]),
        int(row["returned"]),
        _durations(row),
    )


async def access(scope: StatsScope) -> list[sso.AccessDay]:
    """门户访问统计 of the scope's tenants, per day (UTC) of the period."""
    last = scope.until - timedelta(microseconds=1)
    return await sso.access_days(
        None if scope.every_tenant else scope.tenant_ids, scope.since.date(), last.date()
    )


# Alerts ----------------------------------------------------------------------------------------


def visible_alerts(ctx: Context) -> QuerySet[Alert]:
    """Admins see the alerts of the tenants they see (their own and those below); the platform
    admin every alert; everyone else none."""
    actor = ctx.actor
    if not is_admin(ctx) or actor is None:
        return across_tenants(Alert).filter(id=None)
    if actor.is_platform_admin:
        return across_tenants(Alert)
    below = Subquery(Tenant.filter(path__startswith=actor.tenant_path).values("id"))
    return across_tenants(Alert).filter(tenant_id__in=below)


async def alerts(ctx: Context, *, status: AlertStatus | None, page: PageArgs) -> Page[Alert]:
    query = visible_alerts(ctx)
    if status is not None:
        query = query.filter(status=status)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)
