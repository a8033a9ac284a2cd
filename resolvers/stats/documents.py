"""Documents created per period, type and status, and how long flows and their nodes took."""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from resolvers.stats.scope import Bucket, StatsScope
from resolvers.stats.sql import Durations, aggregates, as_date, bucketed, durations, sql


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
    rows = await scope.sql.rows(*make(scope, bucket))
    return [
        DocumentCount(as_date(r["period"]), r["code"], r["name"], r["status"], r["n"]) for r in rows
    ]


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
    rows = await scope.sql.rows(
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
        group["durations"] = bucketed(group["buckets"])
    return groups


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
    rows = await scope.sql.rows(
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
        NodeDuration(r["key"], r["flow_name"], r["node_id"], r["node_name"], durations(r))
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
    rows = await scope.sql.rows(
        f"SELECT f.key, min(f.name) AS flow_name, {aggregates('secs')} FROM ("
        f"  SELECT d.flow_version_id, {sql().seconds('d.completed_at', 'd.submitted_at')} AS secs"
        "  FROM document d WHERE d.submitted_at IS NOT NULL"
        f"  AND d.completed_at >= $1 AND d.completed_at < $2{scope.where('d', params)}) d "
        "JOIN flow_version v ON v.id = d.flow_version_id "
        "JOIN flow_definition f ON f.id = v.flow_id GROUP BY f.key ORDER BY f.key",
        params,
    )
    return [FlowDuration(r["key"], r["flow_name"], durations(r)) for r in rows]
