"""Operating alerts (运行告警) and the rollups behind the platform-wide statistics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.base import TenantEntity


class AlertKind(StrEnum):
    TASKS_OVERDUE = "tasks_overdue"
    """Open overdue tasks of a tenant reached the threshold."""
    OUTBOX_LAG = "outbox_lag"
    """The oldest unpublished outbox event is older than the threshold (platform tenant)."""
    QUOTA = "quota"
    """A tenant used 80 % (warning) or 100 % (critical) of a limit; one per limit."""
    PACKAGE_EXPIRED = "package_expired"
    """A tenant's package expired; it is suspended when the grace period ends."""


class AlertStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Alert(TenantEntity):
    """One crossing of an operating threshold, raised and resolved by the alert job."""

    kind = fields.CharEnumField(AlertKind, max_length=32)
    status = fields.CharEnumField(AlertStatus, max_length=16, default=AlertStatus.OPEN)
    severity = fields.CharField(max_length=16, default="warning")
    value = fields.FloatField()
    threshold = fields.FloatField()
    message = fields.TextField()
    data: dict[str, Any] = fields.JSONField(default=dict)
    raised_at: datetime = fields.DatetimeField()
    resolved_at: datetime | None = fields.DatetimeField(null=True)

    class Meta:
        table = "alert"
        indexes = (("tenant_id", "status", "kind"),)


class DocumentDay(Model):
    """Rollup for the platform-wide view: documents created per day (in the rollup time zone),
    type code and current status. Rebuilt whole by the rollup job."""

    day = fields.DateField()
    type_code = fields.CharField(max_length=64)
    type_name = fields.CharField(max_length=100)
    status = fields.CharField(max_length=16)
    count = fields.IntField()

    class Meta:
        table = "stats_document_day"
        indexes = (("day",),)


class DurationDay(Model):
    """Rollup for the platform-wide view: how long tasks (kind `node`) or whole flows (`flow`)
    took, per day they ended, as counts per log-scale duration bucket (for percentiles)."""

    day = fields.DateField()
    kind = fields.CharField(max_length=8)
    flow_key = fields.CharField(max_length=64)
    flow_name = fields.CharField(max_length=200)
    node_id = fields.CharField(max_length=100, default="")
    node_name = fields.CharField(max_length=200, default="")
    bucket = fields.IntField()
    count = fields.IntField()
    seconds = fields.FloatField()
    """Sum of the exact durations in the bucket, for exact averages."""

    class Meta:
        table = "stats_duration_day"
        indexes = (("kind", "day"),)


class RollupState(Model):
    """When the rollups were last rebuilt, and for which time zone."""

    name = fields.CharField(max_length=32, primary_key=True)
    time_zone = fields.CharField(max_length=64)
    built_at = fields.DatetimeField()

    class Meta:
        table = "stats_rollup_state"
