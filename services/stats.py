"""Operating figures read straight from the tables (outbox lag, overdue tasks), the alert job
that turns thresholds crossed into `alert` rows and `alert.raised` / `alert.resolved` events,
and the rollup job behind the platform-wide statistics. Every server process runs the jobs; a
PostgreSQL advisory lock lets one run at a time.
"""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from models.scope import TenantScope, across_tenants
from models.stats import Alert, AlertKind, AlertStatus, RollupState
from models.tenants import PLATFORM_CODE, Tenant
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

ALERT_LOCK = 0x0FF1CE + 8  # pg_advisory_xact_lock key of the alert job

OVERDUE = "status = 'open' AND (overdue OR due_at < {now})"
"""An open task is overdue once its deadline passed (or a deadline timer marked it)."""


@dataclass(frozen=True, slots=True)
class OutboxLag:
    unpublished: int
    oldest_age_seconds: float


@dataclass(frozen=True, slots=True)
class Thresholds:
    overdue_tasks: int
    outbox_lag_seconds: float


def _client() -> Any:
    return connections.get("default")


def is_postgres() -> bool:
    return bool(_client().capabilities.dialect == "postgres")


async def outbox_lag(now: datetime | None = None) -> OutboxLag:
    """Events written but not yet published, and the age of the oldest one."""
    now = now or datetime.now(UTC)
    rows = await _client().execute_query_dict(
        "SELECT count(*) AS n, min(created_at) AS oldest FROM outbox_event "
        "WHERE published_at IS NULL"
    )
    oldest = rows[0]["oldest"]
    if isinstance(oldest, str):  # SQLite hands back text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    age = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
    return OutboxLag(int(rows[0]["n"]), age)


async def overdue_by_tenant(now: datetime | None = None) -> dict[uuid.UUID, int]:
    """Open overdue tasks per tenant, across tenants (for the alert job and `/metrics`)."""
    now = now or datetime.now(UTC)
    placeholder = "$1" if is_postgres() else "?"
    rows = await _client().execute_query_dict(
        f"SELECT tenant_id, count(*) AS n FROM task WHERE {OVERDUE.format(now=placeholder)} "
        "GROUP BY tenant_id",
        [now if is_postgres() else now.astimezone(UTC).isoformat(" ")],  # as SQLite stores it
    )
    return {uuid.UUID(str(r["tenant_id"])): int(r["n"]) for r in rows}


async def check_alerts(thresholds: Thresholds, now: datetime | None = None) -> list[Alert]:
    """Raise alerts for thresholds newly crossed and resolve those whose condition cleared;
    returns the alerts raised or resolved in this run."""
    now = now or datetime.now(UTC)
    async with transaction(None) as work:
        if is_postgres():
            got = await _client().execute_query_dict(
                "SELECT pg_try_advisory_xact_lock($1) AS ok", [ALERT_LOCK]
            )
            if not got[0]["ok"]:
                return []
        overdue = {
            t: n for t, n in (await overdue_by_tenant(now)).items() if n >= thresholds.overdue_tasks
        }
        platform = await Tenant.get(code=PLATFORM_CODE)
        lag = await outbox_lag(now)
        lagging = (
            {platform.id: lag} if lag.oldest_age_seconds >= thresholds.outbox_lag_seconds else {}
        )
        open_alerts = await across_tenants(Alert).filter(status=AlertStatus.OPEN)
        changed: list[Alert] = []
        for kind, crossed in ((AlertKind.TASKS_OVERDUE, overdue), (AlertKind.OUTBOX_LAG, lagging)):
            current = {a.tenant_id: a for a in open_alerts if a.kind == kind}
            for alert in current.values():
                if alert.tenant_id not in crossed:
                    changed.append(await resolve_alert(work, alert, now))
            fresh = [t for t in crossed if t not in current]
            tenants = {t.id: t for t in await Tenant.filter(id__in=fresh)} if fresh else {}
            for tenant_id in fresh:
                value: Any = crossed[tenant_id]
                if kind is AlertKind.TASKS_OVERDUE:
                    raised = _overdue_alert(value, thresholds)
                else:
                    raised = _lag_alert(value, thresholds)
                changed.append(await raise_alert(work, tenants[tenant_id], kind, now, *raised))
    return changed


def _overdue_alert(count: int, thresholds: Thresholds) -> tuple[float, float, str, dict[str, Any]]:
    message = f"{count} open tasks are overdue (threshold {thresholds.overdue_tasks})"
    return float(count), float(thresholds.overdue_tasks), message, {"overdueTasks": count}


def _lag_alert(lag: OutboxLag, thresholds: Thresholds) -> tuple[float, float, str, dict[str, Any]]:
    age = round(lag.oldest_age_seconds, 1)
    message = (
        f"{lag.unpublished} events wait to be published; the oldest for {age}s "
        f"(threshold {thresholds.outbox_lag_seconds:g}s)"
    )
    data = {"unpublished": lag.unpublished, "oldestAgeSeconds": age}
    return age, thresholds.outbox_lag_seconds, message, data


async def raise_alert(
    work: Work,
    tenant: Tenant,
    kind: AlertKind,
    now: datetime,
    value: float,
    threshold: float,
    message: str,
    data: dict[str, Any],
    severity: str = "warning",
) -> Alert:
    alert = await TenantScope(tenant.id).create(
        Alert,
        kind=kind,
        severity=severity,
        value=value,
        threshold=threshold,
        message=message,
        data=data,
        raised_at=now,
    )
    work.emit(tenant.id, Topic.ALERT_RAISED, event_payload(alert, tenant))
    return alert


async def resolve_alert(work: Work, alert: Alert, now: datetime) -> Alert:
    alert.status, alert.resolved_at = AlertStatus.RESOLVED, now
    await alert.save(update_fields=["status", "resolved_at", "updated_at"])
    tenant = await Tenant.get(id=alert.tenant_id)
    work.emit(alert.tenant_id, Topic.ALERT_RESOLVED, event_payload(alert, tenant))
    return alert


def event_payload(alert: Alert, tenant: Tenant) -> dict[str, Any]:
    """What a subscriber needs to show the alert and to decide who may see it: admins of the
    tenant, of the tenants above it (`tenantPath`) and the platform admin."""
    return {
        "alertId": global_id("Alert", alert.id),
        "kind": alert.kind.value,
        "status": alert.status.value,
        "severity": alert.severity,
        "tenantId": global_id("Tenant", tenant.id),
        "tenantCode": tenant.code,
        "tenantPath": tenant.path,
        "value": alert.value,
        "threshold": alert.threshold,
        "message": alert.message,
        "data": alert.data,
        "raisedAt": alert.raised_at.isoformat(),
        "resolvedAt": alert.resolved_at.isoformat() if alert.resolved_at else None,
    }


ROLLUP_LOCK = ALERT_LOCK + 1
DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The time zone statistics use unless asked otherwise, and the one rollups are built in."""
BUCKETS_PER_DOUBLING = 4
"""Duration buckets grow by 2^(1/4) (about 19 %): percentiles from rollups are that precise."""
SECONDS = "greatest(extract(epoch FROM {end} - {start}), 0)"
BUCKET = f"floor({BUCKETS_PER_DOUBLING} * ln({{secs}} + 1) / ln(2))::int"


def bucket_seconds(bucket: int) -> float:
    """A representative duration of a bucket (its geometric middle)."""
    return float(2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING) - 1)


async def refresh_rollups(time_zone: str, *, older_than: float = 0.0) -> bool:
    """Rebuild the platform-wide rollups in one transaction (readers keep the old ones until it
    commits); one process at a time. False when another process holds the job, when they were
    built less than `older_than` seconds ago (a restart does not rebuild them), or the
    database is not PostgreSQL."""
    if not is_postgres():
        return False
    state = await RollupState.get_or_none(name="platform")
    if (
        state is not None
        and state.time_zone == time_zone
        and (datetime.now(UTC) - state.built_at).total_seconds() < older_than
    ):
        return False
    node_secs = SECONDS.format(end="k.closed_at", start="k.created_at")
    flow_secs = SECONDS.format(end="d.completed_at", start="d.submitted_at")
    async with transaction(None):
        client = _client()
        (row,) = await client.execute_query_dict(
            "SELECT pg_try_advisory_xact_lock($1) AS locked", [ROLLUP_LOCK]
        )
        if not row["locked"]:
            return False
        await client.execute_query("DELETE FROM stats_document_day")
        await client.execute_query("DELETE FROM stats_duration_day")
        await client.execute_query(
            "INSERT INTO stats_document_day (day, type_code, type_name, status, count) "
            "SELECT (d.created_at AT TIME ZONE $1)::date, t.code, min(t.name), d.status, "
            "count(*) FROM document d JOIN document_type t ON t.id = d.document_type_id "
            "GROUP BY 1, t.code, d.status",
            [time_zone],
        )
        await client.execute_query(
            "INSERT INTO stats_duration_day (day, kind, flow_key, flow_name, node_id, "
            "node_name, bucket, count, seconds) "
            "SELECT (k.closed_at AT TIME ZONE $1)::date, 'node', f.key, min(f.name), k.node_id, "
            f"min(k.node_name), {BUCKET.format(secs=node_secs)} AS b, count(*), sum({node_secs}) "
            "FROM task k JOIN document d ON d.id = k.document_id "
            "JOIN flow_version v ON v.id = d.flow_version_id "
            "JOIN flow_definition f ON f.id = v.flow_id "
            "WHERE k.status = 'completed' AND k.closed_at IS NOT NULL "
            "GROUP BY 1, f.key, k.node_id, b",
            [time_zone],
        )
        await client.execute_query(
            "INSERT INTO stats_duration_day (day, kind, flow_key, flow_name, node_id, "
            "node_name, bucket, count, seconds) "
            "SELECT (d.completed_at AT TIME ZONE $1)::date, 'flow', f.key, min(f.name), '', '', "
            f"{BUCKET.format(secs=flow_secs)} AS b, count(*), sum({flow_secs}) "
            "FROM document d JOIN flow_version v ON v.id = d.flow_version_id "
            "JOIN flow_definition f ON f.id = v.flow_id "
            "WHERE d.submitted_at IS NOT NULL AND d.completed_at IS NOT NULL "
            "GROUP BY 1, f.key, b",
            [time_zone],
        )
        await RollupState.update_or_create(
            name="platform", defaults={"time_zone": time_zone, "built_at": datetime.now(UTC)}
        )
    return True
