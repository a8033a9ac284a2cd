"""The audit log (审计日志) for administrators: who did what, when."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models.audit import AuditEntry as AuditRow
from resolvers import audit as r
from resolvers.ids import node_uuid
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.nodes import LoadedNode
from schema.types import Info


@strawberry.type(name="AuditEntry", description="One entry of a tenant's hash-chained audit log.")
class AuditEntry(LoadedNode):
    id: relay.NodeID[str]
    seq: int = strawberry.field(description="Position in the tenant's chain.")
    at: datetime = strawberry.field(description="When it happened (ISO 8601, UTC).")
    actor_id: relay.GlobalID | None = strawberry.field(description="A User; null: the system.")
    actor_name: str = strawberry.field(description="Who did it, or system.")
    action: str = strawberry.field(description="e.g. document.approve, user.created")
    target_type: str = strawberry.field(description="The kind of object changed, e.g. document.")
    target_id: str = strawberry.field(description="Id (UUID) of the object changed.")
    data: JSON = strawberry.field(description="What changed (JSON).")
    hash: str = strawberry.field(
        description=("SHA-256 over the entry and `prevHash` (hex): the tamper-evident chain.")
    )
    prev_hash: str = strawberry.field(description="The previous entry's hash.")

    loader = r.AuditEntryById

    @classmethod
    def from_model(cls, row: AuditRow) -> AuditEntry:
        return cls(
            id=str(row.id),
            seq=row.seq,
            at=row.created_at,
            actor_id=relay.GlobalID("User", str(row.actor_id)) if row.actor_id else None,
            actor_name=row.actor_name,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            data=cast(JSON, row.data),
            hash=row.hash,
            prev_hash=row.prev_hash,
        )


@strawberry.input(description="Which audit entries to list.")
class AuditFilter:
    actor_id: relay.GlobalID | None = strawberry.field(default=None, description="A User.")
    action_prefix: str | None = strawberry.field(
        default=None, description="e.g. 'document.' for every document action."
    )
    target_type: str | None = strawberry.field(
        default=None, description="Only entries about this kind of object, e.g. document."
    )
    target_id: str | None = strawberry.field(default=None, description="The target's uuid.")
    since: datetime | None = strawberry.field(
        default=None, name="from", description="Only entries at or after this instant (ISO 8601)."
    )
    until: datetime | None = strawberry.field(default=None, name="to", description="Exclusive.")

    def to_filter(self) -> r.AuditFilter:
        actor = node_uuid(self.actor_id, "User")
        return r.AuditFilter(
            actor_id=actor if isinstance(actor, uuid.UUID) else None,
            action_prefix=self.action_prefix,
            target_type=self.target_type,
            target_id=self.target_id,
            since=self.since,
            until=self.until,
        )


def _tenant_key(tenant: relay.GlobalID | None) -> uuid.UUID | None:
    key = node_uuid(tenant, "Tenant")
    return key if isinstance(key, uuid.UUID) else (uuid.UUID(int=0) if tenant else None)


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="审计日志 of your tenant or one below it (tenant admins; the platform admin "
        "any), newest first. Empty for everyone else. Export: GET /audit/export."
    )
    async def audit_log(
        self,
        info: Info,
        tenant: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description=("Global id of a Tenant (platform admins); default the viewer's.")
            ),
        ] = None,
        filter: Annotated[
            AuditFilter | None, strawberry.argument(description="By target type, actor or period.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEntry]:
        page = await r.audit_log(
            info.context,
            tenant_id=_tenant_key(tenant),
            filter=(filter or AuditFilter()).to_filter(),
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, AuditEntry.from_model)
