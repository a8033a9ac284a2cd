"""Counting what tenants use, cheaply. Three ways in, one table (`tenant_usage_day`):

- `count(work, tenant_id, Meter.X, n)` inside a use case's transaction: one upsert that commits
  or rolls back with the use case (documents created; later notifications, bookings, search).
- `requests.add(tenant_id, Meter.X)` for what happens on every request (API requests,
  websocket connections): counted in this process's memory and added to the table every few
  seconds by the `usage` loop, so no request writes to the database.
- `snapshot()`: the gauges (users, documents by status, storage) read from the rows with one
  grouped statement each and written as today's value, by one process at a time.
"""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections

from models.base import new_id
from models.scope import TenantSql, across_tenants
from models.tenants import Tenant
from models.usage import Meter, UsageDay
from services.uow import Work, transaction

TIME_ZONE = ZoneInfo("Asia/Shanghai")
"""Days and months of usage are counted in the time zone of the statistics rollups."""
SNAPSHOT_LOCK = 0x0FF1CE + 22

Key = tuple[uuid.UUID, Meter, str]


def day_of(moment: datetime) -> date:
    return moment.astimezone(TIME_ZONE).date()


async def count(work: Work, tenant_id: uuid.UUID, meter: Meter, n: int = 1, key: str = "") -> None:
    """Add `n` to today's `meter` of the tenant, in the use case's transaction."""
    await _write({(tenant_id, meter, key[:64]): n}, day_of(work.now), add=True)


class RequestCounter:
    """Per-request counts held in this process until the next flush."""

    def __init__(self) -> None:
        self._pending: Counter[Key] = Counter()
        self._lock = asyncio.Lock()

    def add(self, tenant_id: uuid.UUID, meter: Meter, n: int = 1, key: str = "") -> None:
        self._pending[(tenant_id, meter, key)] += n

    async def flush(self) -> int:
        """Add what this process counted to today's rows; kept for the next try on failure."""
        async with self._lock:
            pending, self._pending = self._pending, Counter()
            if not pending:
                return 0
            try:
                await _write(pending, day_of(datetime.now(UTC)), add=True)
            except BaseException:
                self._pending.update(pending)
                raise
            return len(pending)


requests = RequestCounter()
"""What this process counted per request; `server` flushes it every few seconds."""

GAUGE_SQL: dict[Meter, str] = {
    Meter.USERS_TOTAL: "SELECT r.tenant_id, '' AS key, count(*) AS value FROM app_user r "
    "WHERE TRUE{where} GROUP BY r.tenant_id",
    Meter.USERS_ACTIVE: "SELECT r.tenant_id, '' AS key, count(*) AS value FROM app_user r "
    "WHERE r.status = 'active'{where} GROUP BY r.tenant_id",
    Meter.DOCUMENTS: "SELECT r.tenant_id, r.status AS key, count(*) AS value FROM document r "
    "WHERE TRUE{where} GROUP BY r.tenant_id, r.status",
    Meter.STORAGE_BYTES: "SELECT r.tenant_id, '' AS key, sum(r.size) AS value FROM attachment r "
    "WHERE TRUE{where} GROUP BY r.tenant_id",
}
"""Each gauge as one grouped statement (`tenant_id`, `key`, `value`) over the rows of the
tenants `TenantSql` names (alias `r`). A new gauge is one entry here."""


async def gauges(sql: TenantSql) -> dict[Key, int]:
    """Every gauge now, per tenant and key, over the tenants of `sql`."""
    found: dict[Key, int] = {}
    for meter, template in GAUGE_SQL.items():
        params: list[Any] = []
        statement = template.format(where=sql.where("r", params))
        for row in await sql.rows(statement, params):
            tenant = uuid.UUID(str(row["tenant_id"]))
            found[(tenant, meter, str(row["key"]))] = int(row["value"] or 0)
    return found


async def snapshot(now: datetime | None = None) -> bool:
    """Write today's gauges for every tenant; False when another process is doing it."""
    async with transaction(None):
        if not await try_lock(SNAPSHOT_LOCK):
            return False
        await _write(await gauges(TenantSql(None)), day_of(now or datetime.now(UTC)), add=False)
    return True


async def try_lock(key: int) -> bool:
    """Take a PostgreSQL advisory lock until the transaction ends, if no one holds it (always
    True on the embedded database, which has one process)."""
    if not _postgres():
        return True
    (row,) = await connections.get("default").execute_query_dict(
        "SELECT pg_try_advisory_xact_lock($1) AS locked", [key]
    )
    return bool(row["locked"])


async def _write(values: dict[Key, int], day: date, *, add: bool) -> None:
    """Upsert one row per tenant, meter and key of `day`: add to it, or set it."""
    postgres = _postgres()
    marks = ", ".join(f"${i}" for i in range(1, 9)) if postgres else ", ".join("?" * 8)
    merged = "tenant_usage_day.value + excluded.value" if add else "excluded.value"
    sql = (
        "INSERT INTO tenant_usage_day (id, tenant_id, day, meter, key, value, created_at, "
        f"updated_at) VALUES ({marks}) ON CONFLICT (tenant_id, day, meter, key) DO UPDATE SET "
        f"value = {merged}, updated_at = excluded.updated_at"
    )
    now = datetime.now(UTC)
    rows = [
        [
            _param(new_id(), postgres),
            _param(tenant_id, postgres),
            day if postgres else day.isoformat(),
            meter.value,
            key,
            value,
            _param(now, postgres),
            _param(now, postgres),
        ]
        for (tenant_id, meter, key), value in sorted(values.items(), key=lambda i: str(i[0]))
    ]
    await connections.get("default").execute_many(sql, rows)


def _postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


def _param(value: Any, postgres: bool) -> Any:
    if postgres:
        return value
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return str(value)


async def top_tenants(day: date, top: int) -> list[tuple[str, Meter, str, int]]:
    """`day`'s value of every meter for the `top` tenants with the most of it, by code, and the
    rest added up as `other`: what `/metrics` exports, with at most `top + 1` series a meter
    and key whatever the number of tenants."""
    rows = (
        await across_tenants(UsageDay)
        .filter(day=day)
        .values_list("tenant_id", "meter", "key", "value")
    )
    codes = dict(await Tenant.all().values_list("id", "code"))
    by_series: dict[tuple[Meter, str], list[tuple[int, str]]] = {}
    for tenant_id, meter, key, value in rows:
        by_series.setdefault((Meter(meter), key), []).append((value, codes.get(tenant_id, "?")))
    found = []
    for (meter, key), values in sorted(by_series.items()):
        values.sort(key=lambda item: (-item[0], item[1]))
        found += [(code, meter, key, value) for value, code in values[:top]]
        if len(values) > top:
            found.append(("other", meter, key, sum(value for value, _ in values[top:])))
    return found
