"""Idempotency keys: a mutation sent with `Idempotency-Key` is remembered with its response, in
the transaction of its effects (`server/idempotency.py`)."""

from __future__ import annotations

from datetime import datetime

from tortoise import fields

from models.base import TenantEntity


class IdempotencyKey(TenantEntity):
    user_id = fields.UUIDField()
    key = fields.CharField(max_length=255)
    request_hash = fields.CharField(max_length=64)
    """SHA-256 of the operation: query, variables (uploads by their content hash), name."""
    response: str | None = fields.TextField(null=True)
    """The response body as sent (text, so a replay is the same bytes: JSONB reorders keys)."""
    expires_at: datetime = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idempotency_key"
        unique_together = (("tenant", "user_id", "key"),)
