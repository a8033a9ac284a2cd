"""Usage of each service (服务使用统计): what people did with each service in the period,
counted from the audit log, where every change of every domain is one entry: the actions and
the distinct people who took them, per service."""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.stats.scope import StatsScope
from resolvers.stats.sql import sql
from services.tenants import SYSTEM_USER_ID

#: audit action prefixes that belong to a service of another name; the rest name their own.
SERVICES = {
    "calendar": "calendar",
    "note": "calendar",
    "contact": "calendar",
    "bookings": "bookings",
    "document": "documents",
    "task": "documents",
    "delegation_rule": "documents",
    "exchange": "exchange",
    "org_unit": "directory",
    "user": "directory",
    "role": "directory",
    "access_rule": "sso",
    "session": "sso",
    "scim_token": "sso",
}


@dataclass(frozen=True)
class Usage:
    service: str
    actions: int
    users: int


def _service(column: str) -> str:
    """The service an audit action belongs to, as SQL over its prefix."""
    prefix = sql().prefix(column)
    cases = " ".join(f"WHEN '{p}' THEN '{s}'" for p, s in SERVICES.items() if p != s)
    return f"CASE {prefix} {cases} ELSE {prefix} END"


async def usage(scope: StatsScope) -> list[Usage]:
    """Per service, the actions in the period and the people (not the system) who took them,
    the most used first."""
    params: list[Any] = [scope.since, scope.until, SYSTEM_USER_ID]
    rows = await scope.sql.rows(
        f"SELECT x.service, count(*) AS actions, count(DISTINCT x.actor_id) AS users FROM ("
        f"  SELECT {_service('a.action')} AS service,"
        "  CASE WHEN a.actor_id <> $3 THEN a.actor_id END AS actor_id FROM audit_entry a"
        "  WHERE a.created_at >= $1 AND a.created_at < $2"
        f"  {scope.where('a', params)}) x"
        " GROUP BY x.service ORDER BY actions DESC, x.service",
        params,
    )
    return [Usage(str(r["service"]), int(r["actions"]), int(r["users"])) for r in rows]
