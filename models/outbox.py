"""Events written in the same transaction as the change they describe, published after commit."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class OutboxEvent(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.UUIDField(db_index=True)
    topic = fields.CharField(max_length=64)
    payload: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_event"
