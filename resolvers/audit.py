"""Audit log queries for administrators (审计): who did what, when, filtered, newest first;
the same filters feed the JSON-lines export (`server/audit.py`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.queryset import QuerySet

from models.access import Actor, Permission
from models.audit import AuditEntry
from models.scope import TenantScope
from models.tenants import Tenant
from resolvers.context import NOWHERE_SCOPE, Context
from resolvers.dataloaders import Loader
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.tenants import can_see

EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AuditFilter:
    actor_id: uuid.UUID | None = None
    action_prefix: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def may_audit(actor: Actor | None, tenant: Tenant) -> bool:
    """Tenant admins audit their tenant and those below it; the platform admin every one."""
    if actor is None or not (actor.is_platform_admin or actor.has(Permission.TENANT_ADMIN)):
        return False
    return can_see(actor, tenant)


async def audit_tenant(actor: Actor | None, tenant_id: uuid.UUID | None) -> Tenant | None:
    """The tenant whose log the actor asks for (default: its own), if it may read it."""
    if actor is None:
        return None
    tenant = await Tenant.get_or_none(id=tenant_id or actor.tenant_id)
    return tenant if tenant is not None and may_audit(actor, tenant) else None


def entries(tenant: Tenant, f: AuditFilter) -> QuerySet[AuditEntry]:
    query = TenantScope(tenant.id).query(AuditEntry)
    if f.actor_id is not None:
        query = query.filter(actor_id=f.actor_id)
    if f.action_prefix:
        query = query.filter(action__startswith=f.action_prefix)
    if f.target_type:
        query = query.filter(target_type=f.target_type)
    if f.target_id:
        query = query.filter(target_id=f.target_id)
    if f.since is not None:
        query = query.filter(created_at__gte=f.since)
    if f.until is not None:
        query = query.filter(created_at__lt=f.until)
    return query


async def audit_log(
    ctx: Context, *, tenant_id: uuid.UUID | None, filter: AuditFilter, page: PageArgs
) -> Page[AuditEntry]:
    """Newest first; nothing for a viewer who may not read the tenant's log."""
    tenant = await audit_tenant(ctx.actor, tenant_id)
    query = entries(tenant, filter) if tenant else NOWHERE_SCOPE.query(AuditEntry)
    return await paginate(query, ("seq",), page, ctx.max_page, descending=True)


class AuditEntryById(Loader[uuid.UUID, AuditEntry | None]):
    """Entries of the viewer's own tenant, for its administrators (`node(id:)`)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[AuditEntry | None]:
        tenant = await audit_tenant(self.ctx.actor, None)
        if tenant is None:
            return [None for _ in keys]
        query = TenantScope(tenant.id).query(AuditEntry).filter(id__in=keys)
        rows = {e.id: e for e in await query}
        return [rows.get(k) for k in keys]


async def export(tenant: Tenant, f: AuditFilter) -> AsyncIterator[dict[str, Any]]:
    """Every matching entry in chain order (oldest first), read in keyset batches."""
    after = 0
    while True:
        rows = await entries(tenant, f).filter(seq__gt=after).order_by("seq").limit(EXPORT_BATCH)
        for row in rows:
            yield line(row, tenant)
        if len(rows) < EXPORT_BATCH:
            return
        after = rows[-1].seq


def line(row: AuditEntry, tenant: Tenant) -> dict[str, Any]:
    return {
        "tenant": tenant.code,
        "seq": row.seq,
        "at": row.created_at.isoformat(),
        "actorId": str(row.actor_id) if row.actor_id else None,
        "actorName": row.actor_name,
        "action": row.action,
        "targetType": row.target_type,
        "targetId": row.target_id,
        "data": row.data,
        "prevHash": row.prev_hash,
        "hash": row.hash,
    }
