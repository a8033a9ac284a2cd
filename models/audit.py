"""The append-only, hash-chained audit log (one chain per tenant)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.base import TenantEntity

GENESIS_HASH = "0" * 64


class TenantLog(Model):
    """The head of a tenant's audit chain, locked by every write of that tenant."""

    # Holding this row's lock until commit allocates audit sequence numbers and outbox event
    # ids in commit order, per tenant.
    tenant_id = fields.UUIDField(primary_key=True)
    audit_seq = fields.BigIntField(default=0)
    audit_hash = fields.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        table = "tenant_log"


class AuditEntry(TenantEntity):
    seq = fields.BigIntField()
    actor_id = fields.UUIDField(null=True)
    actor_name = fields.CharField(max_length=100, default="")
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=64)
    target_id = fields.CharField(max_length=64, db_index=True)
    data: dict[str, Any] = fields.JSONField(default=dict)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_entry"
        unique_together = (("tenant", "seq"),)
