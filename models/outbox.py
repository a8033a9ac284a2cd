"""Events written in the same transaction as the change they describe, published after commit.

Ids come from the table's BIGSERIAL and are taken while the tenant's `TenantLog` row is locked
(services/uow.py), so within one tenant they increase in commit order: subscriptions/outbox/
explains what the replay and the bus build on that.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class OutboxEvent(Model):
    """One committed state change, kept for replay until the retention period ends."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.UUIDField(db_index=True)
    topic = fields.CharField(max_length=64)
    payload: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_event"
        indexes = (
            Index(fields=("tenant_id", "id"), name="outbox_event_tenant_id_id"),
            Index(fields=("created_at",), name="outbox_event_created_at"),
        )
