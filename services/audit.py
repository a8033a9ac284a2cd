"""Tamper-evident audit: each entry carries the hash of the previous one in its tenant's chain."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from models.audit import GENESIS_HASH, AuditEntry, TenantLog
from models.scope import TenantScope


@dataclass(frozen=True, slots=True)
class Record:
    tenant_id: uuid.UUID
    action: str
    target_type: str
    target_id: str
    data: dict[str, Any]


def entry_hash(
    *,
    tenant_id: uuid.UUID,
    seq: int,
    actor_id: uuid.UUID | None,
    actor_name: str,
    action: str,
    target_type: str,
    target_id: str,
    data: Any,
    created_at: datetime,
    prev_hash: str,
) -> str:
    body = orjson.dumps(
        [
            str(tenant_id),
            seq,
            str(actor_id) if actor_id else None,
            actor_name,
            action,
            target_type,
            target_id,
            data,
            created_at.isoformat(timespec="microseconds"),
            prev_hash,
        ],
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
    )
    return hashlib.sha256(body).hexdigest()


async def append(
    head: TenantLog,
    records: Sequence[Record],
    *,
    actor_id: uuid.UUID | None,
    actor_name: str,
    now: datetime,
) -> None:
    """Append to the chain whose head row the caller has locked."""
    entries = []
    for record in records:
        seq = head.audit_seq + 1
        digest = entry_hash(
            tenant_id=record.tenant_id,
            seq=seq,
            actor_id=actor_id,
            actor_name=actor_name,
            action=record.action,
            target_type=record.target_type,
            target_id=record.target_id,
            data=record.data,
            created_at=now,
            prev_hash=head.audit_hash,
        )
        entries.append(
            AuditEntry(
                seq=seq,
                actor_id=actor_id,
                actor_name=actor_name,
                action=record.action,
                target_type=record.target_type,
                target_id=record.target_id,
                data=record.data,
                created_at=now,
                prev_hash=head.audit_hash,
                hash=digest,
            )
        )
        head.audit_seq, head.audit_hash = seq, digest
    await TenantScope(head.tenant_id).bulk_create(AuditEntry, entries)
    await head.save(update_fields=["audit_seq", "audit_hash"])


@dataclass(frozen=True, slots=True)
class Break:
    tenant_id: uuid.UUID
    seq: int
    entry_id: uuid.UUID | None
    reason: str


async def verify(tenant_id: uuid.UUID, batch: int = 5000) -> Break | None:
    """The first broken link of one tenant's chain, or None when the chain is whole."""
    prev_hash, expected_seq = GENESIS_HASH, 1
    async for entry in _entries(tenant_id, batch):
        if entry.seq != expected_seq:
            return Break(tenant_id, expected_seq, entry.id, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return Break(tenant_id, entry.seq, entry.id, "previous-hash link does not match")
        digest = entry_hash(
            tenant_id=entry.tenant_id,
            seq=entry.seq,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            data=entry.data,
            created_at=entry.created_at,
            prev_hash=entry.prev_hash,
        )
        if digest != entry.hash:
            return Break(tenant_id, entry.seq, entry.id, "entry content does not match its hash")
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head = await TenantLog.get_or_none(tenant_id=tenant_id)
    if head is not None and (head.audit_seq != expected_seq - 1 or head.audit_hash != prev_hash):
        return Break(tenant_id, expected_seq, None, "chain head does not match the last entry")
    return None


async def _entries(tenant_id: uuid.UUID, batch: int) -> AsyncIterator[AuditEntry]:
    scope, after = TenantScope(tenant_id), 0
    while True:
        rows = await scope.query(AuditEntry).filter(seq__gt=after).order_by("seq").limit(batch)
        for row in rows:
            yield row
        if len(rows) < batch:
            return
        after = rows[-1].seq
