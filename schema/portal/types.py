"""Portal catalogue types: service components (服务组件) and their versions, integrated
resources (资源接入) with their connection checks, and applications for shared services
(按需申请)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import portal_components as m
from models.access import Permission
from models.tenants import ApplicationStatus
from resolvers import portal as r
from schema.nodes import LoadedNode
from schema.tenants import Tenant
from schema.types import Info
from schema.usage.types import ServicePackage

strawberry.enum(
    m.ComponentCategory, name="PortalComponentCategory", description="Where a component belongs."
)
strawberry.enum(
    m.ResourceKind, name="PortalResourceKind", description="What an external resource is."
)
strawberry.enum(m.HttpMethod, name="HttpMethod")
strawberry.enum(m.ServiceKind, name="PortalServiceKind")


@strawberry.enum(name="PortalAvailability", description="Whether the viewer's tenant may use it.")
class Availability(Enum):
    OWNED = "owned"
    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"
    NOT_APPLIED = "not_applied"


async def _availability(info: Info, owner: uuid.UUID, target: uuid.UUID) -> Availability:
    if info.context.scope and owner == info.context.scope.tenant_id:
        return Availability.OWNED
    application = await r.ApplicationForTarget(info.context).load(target)
    if application is None:
        return Availability.NOT_APPLIED
    return Availability(application.status.value)


@strawberry.type(
    name="PortalComponent",
    description="A service component (服务组件): one manifest key and its versions.",
)
class PortalComponent(LoadedNode):
    id: relay.NodeID[str]
    key: str
    name: str
    category: m.ComponentCategory
    standard: bool = strawberry.field(
        description="Part of the platform's standard set: other tenants apply to use it."
    )
    latest_version: str
    created_at: datetime
    owner_id: strawberry.Private[uuid.UUID]

    loader = r.ComponentById

    @classmethod
    def from_model(cls, row: m.PortalComponent) -> PortalComponent:
        return cls(
            id=str(row.id),
            key=row.key,
            name=row.name,
            category=row.category,
            standard=row.standard,
            latest_version=row.latest_version,
            created_at=row.created_at,
            owner_id=row.tenant_id,
        )

    @strawberry.field(description="Every registered version, newest (by semver) first.")
    async def versions(self, info: Info) -> list[PortalComponentVersion]:
        rows = await r.VersionsByComponent(info.context).load(uuid.UUID(self.id))
        return [PortalComponentVersion.from_model(row) for row in rows]

    @strawberry.field(description="The highest version.")
    async def latest(self, info: Info) -> PortalComponentVersion | None:
        return await self.version(info, self.latest_version)

    @strawberry.field(description="One version, e.g. '1.2.0'.")
    async def version(self, info: Info, version: str) -> PortalComponentVersion | None:
        rows = await r.VersionsByComponent(info.context).load(uuid.UUID(self.id))
        found = next((row for row in rows if row.version == version), None)
        return PortalComponentVersion.from_model(found) if found else None

    @strawberry.field
    async def availability(self, info: Info) -> Availability:
        return await _availability(info, self.owner_id, uuid.UUID(self.id))

    @strawberry.field(description="The viewer's tenant's latest application for it.")
    async def application(self, info: Info) -> ServiceApplication | None:
        row = await r.ApplicationForTarget(info.context).load(uuid.UUID(self.id))
        return ServiceApplication.from_model(row) if row else None


@strawberry.type(
    name="PortalComponentVersion",
    description="One registered manifest version; it never changes.",
)
class PortalComponentVersion(LoadedNode):
    id: relay.NodeID[str]
    version: str
    name: str
    description: str
    category: m.ComponentCategory
    operation: str = strawberry.field(description="The GraphQL document the component sends.")
    settings_schema: JSON = strawberry.field(description="JSON Schema (2020-12) of its settings.")
    required_permission: Permission | None
    help: str
    example: JSON | None
    manifest: JSON = strawberry.field(description="The manifest as registered.")
    created_at: datetime
    component_id: strawberry.Private[uuid.UUID]

    loader = r.ComponentVersionById

    @classmethod
    def from_model(cls, row: m.PortalComponentVersion) -> PortalComponentVersion:
        doc = row.manifest
        return cls(
            id=str(row.id),
            version=row.version,
            name=row.name,
            description=doc.get("description", ""),
            category=m.ComponentCategory(doc["category"]),
            operation=doc["operation"],
            settings_schema=cast(JSON, doc["settingsSchema"]),
            required_permission=(
                Permission(row.required_permission) if row.required_permission else None
            ),
            help=doc.get("help", ""),
            example=cast(JSON, doc.get("example")),
            manifest=cast(JSON, doc),
            created_at=row.created_at,
            component_id=row.component_id,
        )

    @strawberry.field
    async def component(self, info: Info) -> PortalComponent | None:
        return await PortalComponent.load(info, self.component_id)


@strawberry.type(name="PortalConnectionCheck", description="What a resource answered when tested.")
class ConnectionCheck:
    ok: bool = strawberry.field(description="An HTTP answer below 400 arrived.")
    url: str
    address: str | None = strawberry.field(description="The IP address connected to.")
    status: int | None
    content_type: str | None
    body: str = strawberry.field(description="The start of the body (at most 4000 characters).")
    body_bytes: int
    truncated: bool
    location: str | None = strawberry.field(description="Where a redirect points (not followed).")
    elapsed_ms: int
    error: str | None = strawberry.field(description="Why no answer arrived (time-out, refused).")
    checked_at: datetime

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConnectionCheck:
        return cls(
            ok=data["ok"],
            url=data["url"],
            address=data.get("address"),
            status=data.get("status"),
            content_type=data.get("content_type"),
            body=data.get("body", ""),
            body_bytes=data.get("body_bytes", 0),
            truncated=data.get("truncated", False),
            location=data.get("location"),
            elapsed_ms=data["elapsed_ms"],
            error=data.get("error"),
            checked_at=datetime.fromisoformat(data["checked_at"]),
        )


@strawberry.type(
    name="PortalResource",
    description="An integrated external resource (资源接入): feed, data, process, application, "
    "function or page.",
)
class PortalResource(LoadedNode):
    id: relay.NodeID[str]
    key: str
    name: str
    kind: m.ResourceKind
    standard: bool
    endpoint_url: str
    method: m.HttpMethod
    interface: str = strawberry.field(description="How to call it: parameters and answers.")
    help: str
    example: JSON | None
    version: int
    created_at: datetime
    row: strawberry.Private[m.PortalResource]

    loader = r.ResourceById

    @classmethod
    def from_model(cls, row: m.PortalResource) -> PortalResource:
        return cls(
            id=str(row.id),
            key=row.key,
            name=row.name,
            kind=row.kind,
            standard=row.standard,
            endpoint_url=row.endpoint_url,
            method=row.method,
            interface=row.interface,
            help=row.help,
            example=cast(JSON, row.example),
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The last test of the connection (for its administrators).")
    def last_check(self, info: Info) -> ConnectionCheck | None:
        if self.row.last_check is None or not r.manageable(info.context, self.row):
            return None
        return ConnectionCheck.from_dict(self.row.last_check)

    @strawberry.field
    async def availability(self, info: Info) -> Availability:
        return await _availability(info, self.row.tenant_id, self.row.id)

    @strawberry.field(description="The viewer's tenant's latest application for it.")
    async def application(self, info: Info) -> ServiceApplication | None:
        row = await r.ApplicationForTarget(info.context).load(self.row.id)
        return ServiceApplication.from_model(row) if row else None


@strawberry.type(
    name="ServiceApplication",
    description="A tenant's application for a shared component or resource (按需申请).",
)
class ServiceApplication(LoadedNode):
    id: relay.NodeID[str]
    kind: m.ServiceKind
    status: ApplicationStatus
    note: str = strawberry.field(description="Why the tenant needs it.")
    applicant_name: str
    reviewer_name: str
    reason: str | None = strawberry.field(description="The reviewer's reason.")
    created_at: datetime
    decided_at: datetime | None
    row: strawberry.Private[m.ServiceApplication]

    loader = r.ServiceApplicationById

    @classmethod
    def from_model(cls, row: m.ServiceApplication) -> ServiceApplication:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=ApplicationStatus(row.status),
            note=row.note,
            applicant_name=row.applicant_name,
            reviewer_name=row.reviewer_name,
            reason=row.reason,
            created_at=row.created_at,
            decided_at=row.decided_at,
            row=row,
        )

    @strawberry.field(description="The applying tenant.")
    async def tenant(self, info: Info) -> Tenant | None:
        return await Tenant.load(info, self.row.tenant_id)

    @strawberry.field
    async def component(self, info: Info) -> PortalComponent | None:
        return await PortalComponent.load(info, self.row.component_id)

    @strawberry.field
    async def resource(self, info: Info) -> PortalResource | None:
        return await PortalResource.load(info, self.row.resource_id)

    @strawberry.field(description="The service package applied for (kind PACKAGE).")
    async def package(self, info: Info) -> ServicePackage | None:
        return await ServicePackage.load(info, self.row.package_id)
