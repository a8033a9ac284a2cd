"""Tenant resources (资源监控管理与调配): metering (`counting`), quotas at the point of use
(`quotas`), service packages and allocation (`packages`), and the job that warns at 80 % and
100 % and suspends tenants whose package expired (`watch`).

A new domain meters itself in one line: inside its use case's transaction
`await usage.count(work, tenant_id, Meter.BOOKINGS)`, or, for something every request does,
`usage.requests.add(tenant_id, Meter.X)`; a new gauge is one statement in
`counting.GAUGE_SQL`."""

from models.usage import Limit, Meter
from services.usage.counting import count, day_of, gauges, requests, snapshot, top_tenants
from services.usage.packages import (
    assign,
    assign_service_package,
    create_service_package,
    set_tenant_limits,
    update_service_package,
)
from services.usage.quotas import (
    RATE_CACHE_SECONDS,
    Limits,
    admit_document,
    admit_user,
    api_rate,
    limits_of,
    monthly_documents,
    rates,
    reserve_storage,
)
from services.usage.watch import usage_of, watch

__all__ = [
    "RATE_CACHE_SECONDS",
    "Limit",
    "Limits",
    "Meter",
    "admit_document",
    "admit_user",
    "api_rate",
    "assign",
    "assign_service_package",
    "count",
    "create_service_package",
    "day_of",
    "gauges",
    "limits_of",
    "monthly_documents",
    "rates",
    "requests",
    "reserve_storage",
    "set_tenant_limits",
    "snapshot",
    "top_tenants",
    "update_service_package",
    "usage_of",
    "watch",
]
