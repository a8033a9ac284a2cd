"""Overdue tasks per person and org unit, and the workload of each person."""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from resolvers.stats.scope import StatsScope
from resolvers.stats.sql import as_uuid, sql
from services.stats import OVERDUE


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
    rows = await scope.sql.rows(
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
    rows = await scope.sql.rows(
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
            as_uuid(r["id"]), r["name"], r["code"], Overdue(r["open_overdue"], r["closed_late"])
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
    rows = await scope.sql.rows(*workload_sql(scope, limit))
    return [
        Workload(
            Person(uuid.UUID(str(r["user_id"])), r["username"], r["display_name"], r["code"]),
            int(r["open"]),
            int(r["done"]),
            None if r["avg"] is None else round(float(r["avg"]), 3),
        )
        for r in rows
    ]
