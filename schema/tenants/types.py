"""Tenants and registrations: the enums, `Tenant`, `TenantApplication` and what an applicant
learns about hers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import tenants as m
from resolvers import tenants as r
from schema.nodes import LoadedNode
from schema.types import Info, describe_values

strawberry.enum(m.TenantStatus, name="TenantStatus", description="Whether a tenant may be used.")
describe_values(
    m.TenantStatus,
    {
        "PENDING": "Applied for, awaiting review; nobody signs in yet.",
        "ACTIVE": "In use.",
        "SUSPENDED": "Suspended by the platform: its users are refused (403).",
    },
)
strawberry.enum(
    m.TenantKind, name="TenantKind", description="The platform tenant, or a department (部门)."
)
describe_values(
    m.TenantKind,
    {
        "PLATFORM": "The platform operator's tenant.",
        "DEPARTMENT": "A department (单位) using the platform.",
    },
)
strawberry.enum(
    m.ApplicationStatus, name="ApplicationStatus", description="Where an application stands."
)
describe_values(
    m.ApplicationStatus,
    {
        "PENDING": "Waiting for review.",
        "APPROVED": "Approved: the tenant or service is active.",
        "REJECTED": "Rejected, with a reason.",
    },
)


@strawberry.type(name="Tenant", description="A department (租户 / 部门 / 单位); tenants nest.")
class Tenant(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Short code, unique on the platform, e.g. jxw.")
    name: str = strawberry.field(description="Display name, e.g. 市经济和信息化局.")
    kind: m.TenantKind = strawberry.field(description="The platform itself, or a department.")
    status: m.TenantStatus = strawberry.field(description="Whether the tenant may be used.")
    settings: JSON = strawberry.field(
        description="The tenant's settings (JSON object), e.g. its time zone."
    )
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    parent_id: strawberry.Private[uuid.UUID | None]
    loader = r.VisibleTenantById

    @classmethod
    def from_model(cls, row: m.Tenant) -> Tenant:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            kind=row.kind,
            status=row.status,
            settings=cast(JSON, row.settings),
            version=row.version,
            created_at=row.created_at,
            parent_id=row.parent_id,
        )

    @strawberry.field(description="The parent tenant, when the viewer may see it.")
    async def parent(self, info: Info) -> Tenant | None:
        return await Tenant.load(info, self.parent_id)


@strawberry.type(name="TenantApplication", description="An online registration (在线注册).")
class TenantApplication(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(
        description="The tenant code applied for (reserved while pending)."
    )
    name: str = strawberry.field(description="The department's name.")
    status: m.ApplicationStatus = strawberry.field(description="Pending, approved or rejected.")
    applicant_name: str = strawberry.field(description="Who applied.")
    applicant_email: str = strawberry.field(description="The applicant's e-mail address.")
    applicant_phone: str | None = strawberry.field(
        description="The applicant's phone number, or null."
    )
    admin_username: str = strawberry.field(
        description="Username of the first administrator created at approval."
    )
    details: JSON = strawberry.field(description="Anything else the applicant wrote.")
    reason: str | None = strawberry.field(description="The reviewer's reason, or null.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    decided_at: datetime | None = strawberry.field(
        description="When it was approved or rejected; null while pending."
    )
    tenant_id: strawberry.Private[uuid.UUID | None]
    loader = r.ApplicationById

    @classmethod
    def from_model(cls, row: m.TenantApplication) -> TenantApplication:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            status=row.status,
            applicant_name=row.applicant_name,
            applicant_email=row.applicant_email,
            applicant_phone=row.applicant_phone,
            admin_username=row.admin_username,
            details=cast(JSON, row.details),
            reason=row.reason,
            created_at=row.created_at,
            decided_at=row.decided_at,
            tenant_id=row.tenant_id,
        )

    @strawberry.field(description="The tenant reserved or created for this application.")
    async def tenant(self, info: Info) -> Tenant | None:
        return await Tenant.load(info, self.tenant_id)


@strawberry.type(description="What an applicant learns about its application, and no more.")
class TenantApplicationStatus:
    status: m.ApplicationStatus = strawberry.field(description="Pending, approved or rejected.")
    reason: str | None = strawberry.field(description="The reviewer's note on the decision.")
    decided_at: datetime | None = strawberry.field(
        description="When it was reviewed; null while pending."
    )
