"""The embedded database: Tortoise's SQLite client plus the three SQL functions PostgreSQL has
built in and the statistics need, so their statements stay the same SQL on both databases
(`resolvers/stats/sql.py` spells the few differing expressions in one place). `server.settings`
names this module as the Tortoise engine of SQLite URLs.

- `oc_period(bucket, ts, zone)`: `date_trunc(bucket, ts AT TIME ZONE zone)::date`, as text.
- `oc_seconds(end, start)`: `extract(epoch FROM end - start)`, exact to the microsecond.
- `oc_percentile(q, json_group_array(x))`: `percentile_cont(q) WITHIN GROUP (ORDER BY x)`.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.sqlite.client import SqliteClient as TortoiseSqliteClient


def period(bucket: str, moment: str | None, zone: str) -> str | None:
    """The first day of the day, ISO week (from Monday) or month `moment` falls in, in `zone`."""
    if moment is None:
        return None
    day = datetime.fromisoformat(moment).astimezone(_zone(zone)).date()
    if bucket == "week":
        day -= timedelta(days=day.weekday())
    elif bucket == "month":
        day = date(day.year, day.month, 1)
    elif bucket != "day":
        raise ValueError(f"unknown bucket {bucket!r}")
    return day.isoformat()


def seconds(end: str | None, start: str | None) -> float | None:
    if end is None or start is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def percentile(q: float, values: str) -> float | None:
    """Linear interpolation between the closest ranks, NULLs left out (what percentile_cont
    computes); `values` is a JSON array."""
    ordered = sorted(float(v) for v in json.loads(values) if v is not None)
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


FUNCTIONS: dict[str, tuple[int, Any]] = {
    "oc_period": (3, period),
    "oc_seconds": (2, seconds),
    "oc_percentile": (2, percentile),
}


class SqliteClient(TortoiseSqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        await super().create_connection(with_db)
        if self._connection:
            for name, (arity, function) in FUNCTIONS.items():
                await self._connection.create_function(name, arity, function, deterministic=True)


client_class = SqliteClient
