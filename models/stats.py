"""Operating alerts (运行告警): a threshold crossed, open until the condition clears."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields

from models.base import TenantEntity


class AlertKind(StrEnum):
    TASKS_OVERDUE = "tasks_overdue"
    """Open overdue tasks of a tenant reached the threshold."""
    OUTBOX_LAG = "outbox_lag"
    """The oldest unpublished outbox event is older than the threshold (platform tenant)."""


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
