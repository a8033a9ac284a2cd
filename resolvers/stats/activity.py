"""The figures of other domains: exchange receipts (签收率) and portal access (门户访问)."""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from resolvers import sso
from resolvers.stats.scope import StatsScope
from resolvers.stats.sql import Durations, aggregates, durations, sql


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
    (row,) = await scope.sql.rows(
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
        durations(row),
    )


async def access(scope: StatsScope) -> list[sso.AccessDay]:
    """门户访问统计 of the scope's tenants, per day (UTC) of the period."""
    last = scope.until - timedelta(microseconds=1)
    return await sso.access_days(scope.sql, scope.since.date(), last.date())
