"""Operating alerts (运行告警): their kinds and statuses, and the `Alert` node."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import stats as m
from resolvers.stats.alerts import AlertById
from resolvers.tenants import TenantById
from schema.nodes import LoadedNode
from schema.tenants.types import Tenant
from schema.types import Info, describe_values

strawberry.enum(m.AlertKind, name="AlertKind", description="What an alert is about.")
describe_values(
    m.AlertKind,
    {
        "TASKS_OVERDUE": "Too many overdue tasks in a tenant.",
        "OUTBOX_LAG": "Events are waiting to be published for too long.",
        "QUOTA": "A tenant used 80 % (warning) or 100 % (critical) of a limit of its package.",
        "PACKAGE_EXPIRED": "A tenant's package expired: it is suspended after the grace period.",
    },
)
strawberry.enum(m.AlertStatus, name="AlertStatus", description="Whether an alert still holds.")
describe_values(m.AlertStatus, {"OPEN": "Still holds.", "RESOLVED": "No longer holds."})


@strawberry.type(name="Alert", description="运行告警: a threshold crossed, open until it clears.")
class Alert(LoadedNode):
    id: relay.NodeID[str]
    kind: m.AlertKind = strawberry.field(description="What is wrong.")
    status: m.AlertStatus = strawberry.field(description="Open or resolved.")
    severity: str = strawberry.field(description="How serious, e.g. warning.")
    value: float = strawberry.field(description="The measured value.")
    threshold: float = strawberry.field(description="The threshold it crossed.")
    message: str = strawberry.field(description="What is wrong, for people.")
    data: JSON = strawberry.field(description="Details (JSON).")
    raised_at: datetime = strawberry.field(description="When it was raised.")
    resolved_at: datetime | None = strawberry.field(
        description="When it was resolved; null while open."
    )
    tenant_id: strawberry.Private[uuid.UUID]

    loader = AlertById

    @classmethod
    def from_model(cls, row: m.Alert) -> Alert:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=row.status,
            severity=row.severity,
            value=row.value,
            threshold=row.threshold,
            message=row.message,
            data=cast(JSON, row.data),
            raised_at=row.raised_at,
            resolved_at=row.resolved_at,
            tenant_id=row.tenant_id,
        )

    @strawberry.field(description="The tenant concerned, or null for the platform.")
    async def tenant(self, info: Info) -> Tenant | None:
        row = await TenantById(info.context).load(self.tenant_id)
        return Tenant.from_model(row) if row else None
