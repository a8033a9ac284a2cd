"""Idempotency keys of mutations: claim a key in the transaction that will hold the mutation's
effects and its response, or find the response of the request that claimed it first.

Claiming inserts the key with `ON CONFLICT DO NOTHING`: while another request holding the same
key is still in its transaction, PostgreSQL makes the insert wait for it; once that commits,
its row (with its response) is read and returned; if it rolled back, this request claims the
key. So of concurrent duplicates one runs and the others get its result."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from i18n import _
from models.idempotency import IdempotencyKey
from models.scope import TenantScope, across_tenants
from services.errors import Code, ServiceError


class KeyReused(ServiceError):
    """The key came with a different request."""


async def claim(
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    key: str,
    request_hash: str,
    *,
    now: datetime,
    keep: timedelta,
) -> tuple[IdempotencyKey, str | None]:
    """In the open transaction: the key's row, and the first response when this is a repeat."""
    scope = TenantScope(tenant_id)
    mine = IdempotencyKey(
        user_id=user_id, key=key, request_hash=request_hash, expires_at=now + keep
    )
    await scope.bulk_create(IdempotencyKey, [mine], ignore_conflicts=True)
    row = await scope.query(IdempotencyKey).select_for_update().get(user_id=user_id, key=key)
    if row.id == mine.id:
        return row, None
    if row.expires_at <= now:
        row.request_hash, row.response, row.expires_at = request_hash, None, now + keep
        await row.save(update_fields=["request_hash", "response", "expires_at"])
        return row, None
    if row.request_hash != request_hash:
        raise KeyReused.of(
            Code.CONFLICT, _("This Idempotency-Key was used with a different request")
        )
    return row, row.response


async def remember(row: IdempotencyKey, response: str) -> None:
    row.response = response
    await row.save(update_fields=["response"])


async def prune(now: datetime) -> int:
    """Forget expired keys (a platform job over every tenant)."""
    return await across_tenants(IdempotencyKey).filter(expires_at__lt=now).delete()
