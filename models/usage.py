"""Tenant resources (资源监控管理与调配): service packages (服务套餐), each tenant's allocation, and
what it used per day."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import Entity, TenantEntity

if TYPE_CHECKING:
    from models.tenants import Tenant


class Meter(StrEnum):
    """What is measured per tenant and day. A gauge is read from the rows at each snapshot
    (its value of the day is the last one read); a counter is added to as things happen."""

    USERS_TOTAL = "users_total"
    USERS_ACTIVE = "users_active"
    DOCUMENTS = "documents"
    """Documents by status (the key is the status); a gauge."""
    STORAGE_BYTES = "storage_bytes"
    """Bytes of attachments, every version counted; a gauge."""
    DOCUMENTS_CREATED = "documents_created"
    API_REQUESTS = "api_requests"
    WEBSOCKET_CONNECTIONS = "websocket_connections"
    NOTIFICATIONS_SENT = "notifications_sent"
    """Notifications delivered, by channel (the key); counted by the notifications domain."""
    BOOKINGS = "bookings"
    SEARCH_QUERIES = "search_queries"


GAUGES = frozenset({Meter.USERS_TOTAL, Meter.USERS_ACTIVE, Meter.DOCUMENTS, Meter.STORAGE_BYTES})


class Limit(StrEnum):
    """What a package limits."""

    USERS = "users"
    """Active users."""
    STORAGE_BYTES = "storage_bytes"
    MONTHLY_DOCUMENTS = "monthly_documents"
    """Documents created in the calendar month (Asia/Shanghai)."""
    API_REQUESTS_PER_MINUTE = "api_requests_per_minute"


LIMIT_COLUMNS: dict[Limit, str] = {
    Limit.USERS: "max_users",
    Limit.STORAGE_BYTES: "max_storage_bytes",
    Limit.MONTHLY_DOCUMENTS: "max_monthly_documents",
    Limit.API_REQUESTS_PER_MINUTE: "api_requests_per_minute",
}


class ServicePackage(Entity):
    """A package (服务套餐) the platform offers: the service components and features a tenant on
    it may use, and its limits (null: unlimited)."""

    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    components: list[str] = fields.JSONField(default=list)
    """Keys of the shared service components a tenant on it may apply for (empty: any)."""
    features: list[str] = fields.JSONField(default=list)
    max_users = fields.IntField(null=True)
    max_storage_bytes = fields.BigIntField(null=True)
    max_monthly_documents = fields.IntField(null=True)
    api_requests_per_minute = fields.IntField(null=True)
    term_days = fields.IntField(null=True)
    """How long an assignment lasts (null: no expiry)."""
    grace_days = fields.IntField(default=7)
    """Days an expired tenant keeps working (with notice) before it is suspended."""
    active = fields.BooleanField(default=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "service_package"


class TenantAllocation(Entity):
    """What the platform allocated to one tenant: its package, limits that override the
    package's, when the package expires, and the storage it holds (kept exact under this row's
    lock by every upload)."""

    tenant: fields.OneToOneRelation[Tenant] = fields.OneToOneField(
        "officecloud.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    package: fields.ForeignKeyNullableRelation[ServicePackage] = fields.ForeignKeyField(
        "officecloud.ServicePackage", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    max_users = fields.IntField(null=True)
    max_storage_bytes = fields.BigIntField(null=True)
    max_monthly_documents = fields.IntField(null=True)
    api_requests_per_minute = fields.IntField(null=True)
    expires_at: datetime | None = fields.DatetimeField(null=True)
    storage_bytes = fields.BigIntField(default=0)
    suspended_for_expiry = fields.BooleanField(default=False)
    """The expiry job suspended the tenant; a renewal reactivates it."""
    version = fields.IntField(default=1)

    tenant_id: uuid.UUID
    package_id: uuid.UUID | None

    class Meta:
        table = "tenant_allocation"


class UsageDay(TenantEntity):
    """One meter of one tenant on one day (Asia/Shanghai): a counter's sum or a gauge's last
    reading."""

    day: date = fields.DateField()
    meter = fields.CharEnumField(Meter, max_length=32)
    key = fields.CharField(max_length=64, default="")
    value = fields.BigIntField(default=0)

    class Meta:
        table = "tenant_usage_day"
        unique_together = (("tenant", "day", "meter", "key"),)
        indexes = (("day", "meter"),)


def limit_of(row: Any, limit: Limit) -> int | None:
    value: int | None = getattr(row, LIMIT_COLUMNS[limit])
    return value
