"""`/metrics` for Prometheus: per-process figures (websockets, DB pool) and, read from the
database at scrape time, the platform-wide ones (outbox lag, overdue tasks, open alerts).

With `serve --workers N` the processes share nothing, so prometheus-client's multiprocess mode
is used: `serve` points `PROMETHEUS_MULTIPROC_DIR` at a fresh directory before it starts the
workers (`server/supervisor.py`), each writes its counters there, and whichever worker answers
a scrape merges them all. Per-process gauges are summed over live processes; the database
figures are set by the scraping process and reported as the most recent value."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from tortoise import connections

from models.scope import across_tenants
from models.stats import Alert, AlertKind, AlertStatus
from services import stats, usage

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

WEBSOCKETS = Gauge(
    "officecloud_websocket_connections",
    "Open GraphQL websocket connections.",
    multiprocess_mode="livesum",
)
POOL = Gauge(
    "officecloud_db_pool_connections",
    "Database pool connections by state (in_use, idle, max), summed over processes.",
    ["state"],
    multiprocess_mode="livesum",
)
OUTBOX_UNPUBLISHED = Gauge(
    "officecloud_outbox_unpublished_events",
    "Outbox events written but not yet published.",
    multiprocess_mode="mostrecent",
)
OUTBOX_AGE = Gauge(
    "officecloud_outbox_oldest_unpublished_age_seconds",
    "Age of the oldest unpublished outbox event (0 when none waits).",
    multiprocess_mode="mostrecent",
)
TASKS_OVERDUE = Gauge(
    "officecloud_tasks_overdue",
    "Open tasks past their deadline, over every tenant.",
    multiprocess_mode="mostrecent",
)
ALERTS_OPEN = Gauge(
    "officecloud_alerts_open",
    "Open alerts by kind.",
    ["kind"],
    multiprocess_mode="mostrecent",
)
LOOP_LAST_SUCCESS = Gauge(
    "officecloud_loop_last_success_timestamp_seconds",
    "When each background loop last succeeded (Unix time); the stalest live process.",
    ["loop"],
    multiprocess_mode="livemin",
)
LOOP_FAILURES = Gauge(
    "officecloud_loop_consecutive_failures",
    "Failures in a row of each background loop; the worst live process.",
    ["loop"],
    multiprocess_mode="livemax",
)
WORKERS_LIVE = Gauge(
    "officecloud_workers_live",
    "Worker processes alive under `serve --workers N` (set by the supervisor).",
    multiprocess_mode="livemax",
)
WORKERS_EXPECTED = Gauge(
    "officecloud_workers_expected",
    "Worker processes `serve --workers N` keeps running.",
    multiprocess_mode="livemax",
)
WORKER_RESTARTS = Counter(
    "officecloud_worker_restarts",
    "Workers the supervisor restarted after they exited on their own.",
)


def worker_exited(pid: int) -> None:
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)


def refresh_pool() -> None:
    pool = getattr(connections.get("default"), "_pool", None)
    if pool is None:
        return
    idle, size = pool.get_idle_size(), pool.get_size()
    POOL.labels("in_use").set(size - idle)
    POOL.labels("idle").set(idle)
    POOL.labels("max").set(pool.get_max_size())


async def refresh_database() -> None:
    lag = await stats.outbox_lag()
    OUTBOX_UNPUBLISHED.set(lag.unpublished)
    OUTBOX_AGE.set(lag.oldest_age_seconds)
    TASKS_OVERDUE.set(sum((await stats.overdue_by_tenant()).values()))
    open_alerts = across_tenants(Alert).filter(status=AlertStatus.OPEN)
    for kind in AlertKind:
        ALERTS_OPEN.labels(kind.value).set(await open_alerts.filter(kind=kind).count())


async def periodic() -> None:
    """Each process refreshes its own pool figures between scrapes."""
    refresh_pool()


class TenantUsage:
    """`officecloud_tenant_usage`: today's meters of the busiest tenants (`top` per meter and
    key, the rest as `other`), read from the database at each scrape, so a tenant that drops
    out of the top leaves no stale series."""

    def __init__(self, rows: list[tuple[str, usage.Meter, str, int]]) -> None:
        self.rows = rows

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "officecloud_tenant_usage",
            "Today's (Asia/Shanghai) usage per tenant code (top N per meter, the rest as "
            "'other'): counters so far today, gauges at their last snapshot.",
            labels=["tenant", "meter", "key"],
        )
        for tenant, meter, key, value in self.rows:
            family.add_metric([tenant, meter.value, key], value)
        yield family


async def tenant_usage(top: int) -> bytes:
    registry = CollectorRegistry()
    rows = await usage.top_tenants(usage.day_of(datetime.now(UTC)), top)
    registry.register(TenantUsage(rows))
    return generate_latest(registry)


def handler(token: str | None, top_tenants: int = 20) -> Handler:
    async def metrics(request: web.Request) -> web.Response:
        if token:
            sent = request.headers.get("Authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
                raise web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"})
        refresh_pool()
        await refresh_database()
        registry = REGISTRY
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry) + await tenant_usage(top_tenants)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
