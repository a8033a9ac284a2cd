"""Portal catalogue types: service components (服务组件) and their versions, integrated
resources (资源接入) with their connection checks, and applications for shared services
(按需申请)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import portal_components as m
from models.access import Permission
from models.tenants import ApplicationStatus
from resolvers import portal as r
from schema.nodes import LoadedNode
from schema.tenants.types import Tenant
from schema.types import Info, describe_values
from schema.usage.types import ServicePackage

strawberry.enum(
    m.ComponentCategory, name="PortalComponentCategory", description="Where a component belongs."
)
describe_values(
    m.ComponentCategory,
    {
        "DOCUMENT_FLOW": "公文流转.",
        "PUBLIC_INFORMATION": "公共信息.",
        "PUBLICATIONS": "信息刊物.",
        "PERSONAL_ASSISTANCE": "个人辅助办公.",
        "PUBLIC_AFFAIRS": "公共事务.",
        "OTHER": "Anything else.",
    },
)
strawberry.enum(
    m.ResourceKind, name="PortalResourceKind", description="What an external resource is."
)
describe_values(
    m.ResourceKind,
    {
        "FEED": "A news feed.",
        "DATA": "A data service.",
        "PROCESS": "A business process to start.",
        "APPLICATION": "An external application.",
        "FUNCTION": "A single function.",
        "PAGE": "A web page.",
    },
)
strawberry.enum(m.HttpMethod, name="HttpMethod", description="HTTP method of a portal resource.")
describe_values(m.HttpMethod, {"GET": "GET.", "HEAD": "HEAD.", "POST": "POST."})
strawberry.enum(
    m.ServiceKind, name="PortalServiceKind", description="What a service application is for."
)
describe_values(
    m.ServiceKind,
    {
        "COMPONENT": "A service component (服务组件).",
        "RESOURCE": "A portal resource.",
        "PACKAGE": "A service package (服务套餐); approval assigns it.",
    },
)


@strawberry.enum(name="PortalAvailability", description="Whether the viewer's tenant may use it.")
class Availability(Enum):
    OWNED = strawberry.enum_value("owned", description="Registered by the viewer's tenant.")
    APPROVED = strawberry.enum_value("approved", description="Applied for and approved.")
    PENDING = strawberry.enum_value("pending", description="Applied for, awaiting review.")
    REJECTED = strawberry.enum_value("rejected", description="Applied for and rejected.")
    NOT_APPLIED = strawberry.enum_value("not_applied", description="Not applied for.")


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
    key: str = strawberry.field(description="Stable key, e.g. documents.")
    name: str = strawberry.field(description="Display name.")
    category: m.ComponentCategory = strawberry.field(description="Its category in the catalogue.")
    standard: bool = strawberry.field(
        description="Part of the platform's standard set: other tenants apply to use it."
    )
    latest_version: str = strawberry.field(description="The newest registered version.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
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
    async def version(
        self,
        info: Info,
        version: Annotated[
            str, strawberry.argument(description="The version, as registered (e.g. 1.2.0).")
        ],
    ) -> PortalComponentVersion | None:
        rows = await r.VersionsByComponent(info.context).load(uuid.UUID(self.id))
        found = next((row for row in rows if row.version == version), None)
        return PortalComponentVersion.from_model(found) if found else None

    @strawberry.field(description="Whether the viewer's tenant may use it.")
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
    version: str = strawberry.field(description="Version number from the manifest.")
    name: str = strawberry.field(description="Display name in this version.")
    description: str = strawberry.field(description="What it does.")
    category: m.ComponentCategory = strawberry.field(description="Its category in the catalogue.")
    operation: str = strawberry.field(description="The GraphQL document the component sends.")
    settings_schema: JSON = strawberry.field(description="JSON Schema (2020-12) of its settings.")
    required_permission: Permission | None = strawberry.field(
        description="The permission a user needs to see it, or null."
    )
    help: str = strawberry.field(description="Help text for administrators.")
    example: JSON | None = strawberry.field(description="An example of its settings (JSON).")
    manifest: JSON = strawberry.field(description="The manifest as registered.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
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

    @strawberry.field(description="The component it is a version of.")
    async def component(self, info: Info) -> PortalComponent | None:
        return await PortalComponent.load(info, self.component_id)


@strawberry.type(name="PortalConnectionCheck", description="What a resource answered when tested.")
class ConnectionCheck:
    ok: bool = strawberry.field(description="An HTTP answer below 400 arrived.")
    url: str = strawberry.field(description="The URL called.")
    address: str | None = strawberry.field(description="The IP address connected to.")
    status: int | None = strawberry.field(
        description="HTTP status answered, or null when nothing answered."
    )
    content_type: str | None = strawberry.field(description="Content-Type answered, or null.")
    body: str = strawberry.field(description="The start of the body (at most 4000 characters).")
    body_bytes: int = strawberry.field(description="Bytes of body read (capped).")
    truncated: bool = strawberry.field(description="True when the body was longer than the cap.")
    location: str | None = strawberry.field(description="Where a redirect points (not followed).")
    elapsed_ms: int = strawberry.field(description="Time to answer, in milliseconds.")
    error: str | None = strawberry.field(description="Why no answer arrived (time-out, refused).")
    checked_at: datetime = strawberry.field(description="When the check ran (ISO 8601, UTC).")

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
    key: str = strawberry.field(description="Stable key, unique on the platform.")
    name: str = strawberry.field(description="Display name.")
    kind: m.ResourceKind = strawberry.field(description="What kind of resource it is.")
    standard: bool = strawberry.field(description="The standard it follows, e.g. RSS 2.0.")
    endpoint_url: str = strawberry.field(description="Its URL (http or https).")
    method: m.HttpMethod = strawberry.field(description="HTTP method to call it with.")
    interface: str = strawberry.field(description="How to call it: parameters and answers.")
    help: str = strawberry.field(description="Help text for administrators.")
    example: JSON | None = strawberry.field(description="An example response or call (JSON).")
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
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

    @strawberry.field(description="Whether the viewer's tenant may use it.")
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
    kind: m.ServiceKind = strawberry.field(description="A component or a resource.")
    status: ApplicationStatus = strawberry.field(description="Pending, approved or rejected.")
    note: str = strawberry.field(description="Why the tenant needs it.")
    applicant_name: str = strawberry.field(description="Who applied.")
    reviewer_name: str = strawberry.field(description="Who reviewed it, or null.")
    reason: str | None = strawberry.field(description="The reviewer's reason.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    decided_at: datetime | None = strawberry.field(
        description="When it was approved or rejected; null while pending."
    )
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

    @strawberry.field(description="The component applied for, or null.")
    async def component(self, info: Info) -> PortalComponent | None:
        return await PortalComponent.load(info, self.row.component_id)

    @strawberry.field(description="The resource applied for, or null.")
    async def resource(self, info: Info) -> PortalResource | None:
        return await PortalResource.load(info, self.row.resource_id)

    @strawberry.field(description="The service package applied for (kind PACKAGE).")
    async def package(self, info: Info) -> ServicePackage | None:
        return await ServicePackage.load(info, self.row.package_id)
