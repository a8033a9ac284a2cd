"""The access log: sign-ins (one per access token), failed sign-ins with their reason, and use
of service components counted per user, component and day."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from models.base import new_id
from models.scope import TenantScope
from models.sso import AccessEvent, AccessEventKind
from services.tenants import secret_hash

log = logging.getLogger(__name__)
COMPONENT_KEY_MAX = 64


async def record_sign_in(
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    subject: str | None,
    method: str,
    client_id: str | None,
    token: str | None,
    ip: str | None,
) -> bool:
    """One sign-in per access token (the first request that presents it)."""
    try:
        await TenantScope(tenant_id).create(
            AccessEvent,
            kind=AccessEventKind.SIGN_IN,
            user_id=user_id,
            subject=subject,
            method=method,
            client_id=client_id,
            token_ref=secret_hash(token) if token else None,
            ip=ip,
        )
    except IntegrityError:
        return False
    return True


async def record_failed_sign_in(
    tenant_id: uuid.UUID,
    *,
    subject: str | None,
    method: str,
    reason: str,
    client_id: str | None,
    ip: str | None,
) -> None:
    await TenantScope(tenant_id).create(
        AccessEvent,
        kind=AccessEventKind.SIGN_IN_FAILED,
        subject=subject[:255] if subject else None,
        method=method,
        reason=reason[:300],
        client_id=client_id[:255] if client_id else None,
        ip=ip,
    )


class UsageRecorder:
    """Counts use of service components in memory and upserts one row per user, component and
    day every few seconds (and on shutdown), so a busy API does not write on every request."""

    def __init__(self) -> None:
        self._pending: dict[tuple[uuid.UUID, uuid.UUID, str, date], list[Any]] = {}
        self._lock = asyncio.Lock()

    def add(self, tenant_id: uuid.UUID, user_id: uuid.UUID, component: str) -> None:
        now = datetime.now(UTC)
        key = (tenant_id, user_id, component[:COMPONENT_KEY_MAX], now.date())
        entry = self._pending.get(key)
        if entry is None:
            self._pending[key] = [1, now, now]
        else:
            entry[0] += 1
            entry[2] = now

    async def flush(self) -> int:
        async with self._lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return 0
            connection = connections.get("default")
            postgres = connection.capabilities.dialect == "postgres"
            greatest = "GREATEST" if postgres else "MAX"
            marks = ", ".join(f"${i}" for i in range(1, 11)) if postgres else ", ".join("?" * 10)
            sql = (
                "INSERT INTO portal_component_usage (id, tenant_id, user_id, component, day, "  # noqa: S608
                f"count, first_at, last_at, created_at, updated_at) VALUES ({marks}) "
                "ON CONFLICT (user_id, component, day) DO UPDATE SET "
                "count = portal_component_usage.count + excluded.count, "
                f"last_at = {greatest}(portal_component_usage.last_at, excluded.last_at), "
                "updated_at = excluded.updated_at"
            )
            now = datetime.now(UTC)
            rows = [
                [
                    _param(new_id(), postgres),
                    _param(tenant_id, postgres),
                    _param(user_id, postgres),
                    component,
                    day if postgres else day.isoformat(),
                    count,
                    _param(first, postgres),
                    _param(last, postgres),
                    _param(now, postgres),
                    _param(now, postgres),
                ]
                for (tenant_id, user_id, component, day), (count, first, last) in sorted(
                    pending.items(), key=lambda item: (str(item[0][1]), item[0][2])
                )
            ]
            await connection.execute_many(sql, rows)
            return len(rows)

    async def flush_forever(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.flush()
            except Exception:
                log.exception("writing component usage failed")


usage = UsageRecorder()
"""Component use seen by this process; the server flushes it every few seconds."""


def _param(value: Any, postgres: bool) -> Any:
    if postgres:
        return value
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return str(value)
