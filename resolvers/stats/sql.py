"""The SQL fragments figures share: the expressions PostgreSQL and SQLite spell differently,
and count, average and percentiles of durations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.scope import TenantSql
from services import stats


@dataclass(frozen=True)
class Sql:
    """The expressions PostgreSQL and SQLite spell differently, in one place; the rest of each
    statement is the same text on both. Parameters are written `$n` for both (`TenantSql`)."""

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

    def prefix(self, text: str) -> str:
        """The part of `text` before its first '.' (all of it when there is none)."""
        if self.postgres:
            return f"split_part({text}, '.', 1)"
        return f"substr({text}, 1, instr({text} || '.', '.') - 1)"

    def percentile(self, q: float, values: str) -> str:
        """Linear interpolation between the closest ranks of `values` (NULLs left out)."""
        if self.postgres:
            return f"percentile_cont({q}) WITHIN GROUP (ORDER BY {values})"
        return f"oc_percentile({q}, json_group_array({values}))"


def sql() -> Sql:
    return Sql(TenantSql.postgres())


@dataclass(frozen=True)
class Durations:
    count: int
    average: float | None
    p50: float | None
    p90: float | None


def aggregates(secs: str) -> str:
    """Count, average, p50 and p90 of a column of seconds (`Durations`)."""
    q = sql()
    return (
        f"count({secs}) AS n, avg({secs}) AS avg, "
        f"{q.percentile(0.5, secs)} AS p50, {q.percentile(0.9, secs)} AS p90"
    )


def durations(row: dict[str, Any]) -> Durations:
    """The `aggregates` of a row."""

    def seconds(name: str) -> float | None:
        value = row[name]
        return None if value is None else round(float(value), 3)

    return Durations(row["n"], seconds("avg"), seconds("p50"), seconds("p90"))


def bucketed(buckets: list[tuple[int, int, float]]) -> Durations:
    """Durations from rollup buckets (bucket, count, seconds): exact counts and averages,
    percentiles to the precision of a bucket."""
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


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def as_uuid(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))
