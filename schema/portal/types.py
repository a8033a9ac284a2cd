"""Portal types: components and their versions, resources, service applications, themes,
layouts, the resolved portal and the setup checklist."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
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
from resolvers import tenants as tenant_resolvers
from schema.directory import PermissionEnum, Role
from schema.tenants import ApplicationStatusEnum, Tenant
from schema.types import Info

CategoryEnum = strawberry.enum(
    m.ComponentCategory, name="PortalComponentCategory", description="Where a component belongs."
)
ResourceKindEnum = strawberry.enum(
    m.ResourceKind, name="PortalResourceKind", description="What an external resource is."
)
HttpMethodEnum = strawberry.enum(m.HttpMethod, name="HttpMethod")
TemplateEnum = strawberry.enum(
    m.LayoutTemplate, name="PortalLayoutTemplate", description="How many columns a page has."
)
ServiceKindEnum = strawberry.enum(m.ServiceKind, name="PortalServiceKind")
LayoutSourceEnum = strawberry.enum(
    r.LayoutSource,
    name="PortalLayoutSource",
    description="Where the resolved layout came from: the user's own, a role default, the "
    "tenant's published layout, or the empty default.",
)
StepStateEnum = strawberry.enum(r.StepState, name="SetupStepState")


@strawberry.enum(name="PortalAvailability", description="Whether the viewer's tenant may use it.")
class Availability(Enum):
    OWNED = "owned"
    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"
    NOT_APPLIED = "not_applied"


def _uuid(node_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(node_id)
    except ValueError:
        return r.NOWHERE


async def _nodes(loader: Any, ids: Iterable[str], convert: Any) -> list[Any]:
    rows = await loader.load_many([_uuid(i) for i in ids])
    return [convert(row) if row else None for row in rows]


async def _availability(info: Info, owner: uuid.UUID, target: uuid.UUID) -> Availability:
    if info.context.scope and owner == info.context.scope.tenant_id:
        return Availability.OWNED
    application = await r.loaders(info.context).application_for.load(target)
    if application is None:
        return Availability.NOT_APPLIED
    return Availability(application.status.value)


@strawberry.type(
    name="PortalComponent",
    description="A service component (服务组件): one manifest key and its versions.",
)
class PortalComponent(relay.Node):
    id: relay.NodeID[str]
    key: str
    name: str
    category: CategoryEnum  # type: ignore[valid-type]
    standard: bool = strawberry.field(
        description="Part of the platform's standard set: other tenants apply to use it."
    )
    latest_version: str
    created_at: datetime
    owner_id: strawberry.Private[uuid.UUID]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PortalComponent | None]:
        return await _nodes(r.loaders(info.context).component, node_ids, cls.from_model)

    @strawberry.field(description="Every registered version, newest (by semver) first.")
    async def versions(self, info: Info) -> list[PortalComponentVersion]:
        rows = await r.loaders(info.context).versions_of.load(uuid.UUID(self.id))
        return [PortalComponentVersion.from_model(row) for row in rows]

    @strawberry.field(description="The highest version.")
    async def latest(self, info: Info) -> PortalComponentVersion | None:
        return await self.version(info, self.latest_version)

    @strawberry.field(description="One version, e.g. '1.2.0'.")
    async def version(self, info: Info, version: str) -> PortalComponentVersion | None:
        rows = await r.loaders(info.context).versions_of.load(uuid.UUID(self.id))
        found = next((row for row in rows if row.version == version), None)
        return PortalComponentVersion.from_model(found) if found else None

    @strawberry.field
    async def availability(self, info: Info) -> Availability:
        return await _availability(info, self.owner_id, uuid.UUID(self.id))

    @strawberry.field(description="The viewer's tenant's latest application for it.")
    async def application(self, info: Info) -> ServiceApplication | None:
        row = await r.loaders(info.context).application_for.load(uuid.UUID(self.id))
        return ServiceApplication.from_model(row) if row else None


@strawberry.type(
    name="PortalComponentVersion",
    description="One registered manifest version; it never changes.",
)
class PortalComponentVersion(relay.Node):
    id: relay.NodeID[str]
    version: str
    name: str
    description: str
    category: CategoryEnum  # type: ignore[valid-type]
    operation: str = strawberry.field(description="The GraphQL document the component sends.")
    settings_schema: JSON = strawberry.field(description="JSON Schema (2020-12) of its settings.")
    required_permission: PermissionEnum | None  # type: ignore[valid-type]
    help: str
    example: JSON | None
    manifest: JSON = strawberry.field(description="The manifest as registered.")
    created_at: datetime
    component_id: strawberry.Private[uuid.UUID]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PortalComponentVersion | None]:
        return await _nodes(r.loaders(info.context).version, node_ids, cls.from_model)

    @strawberry.field
    async def component(self, info: Info) -> PortalComponent | None:
        row = await r.loaders(info.context).component.load(self.component_id)
        return PortalComponent.from_model(row) if row else None


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
class PortalResource(relay.Node):
    id: relay.NodeID[str]
    key: str
    name: str
    kind: ResourceKindEnum  # type: ignore[valid-type]
    standard: bool
    endpoint_url: str
    method: HttpMethodEnum  # type: ignore[valid-type]
    interface: str = strawberry.field(description="How to call it: parameters and answers.")
    help: str
    example: JSON | None
    version: int
    created_at: datetime
    row: strawberry.Private[m.PortalResource]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PortalResource | None]:
        return await _nodes(r.loaders(info.context).resource, node_ids, cls.from_model)

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
        row = await r.loaders(info.context).application_for.load(self.row.id)
        return ServiceApplication.from_model(row) if row else None


@strawberry.type(
    name="ServiceApplication",
    description="A tenant's application for a shared component or resource (按需申请).",
)
class ServiceApplication(relay.Node):
    id: relay.NodeID[str]
    kind: ServiceKindEnum  # type: ignore[valid-type]
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    note: str = strawberry.field(description="Why the tenant needs it.")
    applicant_name: str
    reviewer_name: str
    reason: str | None = strawberry.field(description="The reviewer's reason.")
    created_at: datetime
    decided_at: datetime | None
    row: strawberry.Private[m.ServiceApplication]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ServiceApplication | None]:
        rows = await r.application_nodes(info.context, [_uuid(i) for i in node_ids])
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="The applying tenant.")
    async def tenant(self, info: Info) -> Tenant | None:
        row = await tenant_resolvers.visible_tenant(info.context, self.row.tenant_id)
        return Tenant.from_model(row) if row else None

    @strawberry.field
    async def component(self, info: Info) -> PortalComponent | None:
        if self.row.component_id is None:
            return None
        row = await r.loaders(info.context).component.load(self.row.component_id)
        return PortalComponent.from_model(row) if row else None

    @strawberry.field
    async def resource(self, info: Info) -> PortalResource | None:
        if self.row.resource_id is None:
            return None
        row = await r.loaders(info.context).resource.load(self.row.resource_id)
        return PortalResource.from_model(row) if row else None


@strawberry.type(name="PortalTheme", description="The tenant's portal colours and logo.")
class PortalTheme:
    primary_color: str
    accent_color: str
    background_color: str
    text_color: str
    logo_url: str | None
    version: int = strawberry.field(description="0 while the tenant uses the default theme.")

    @classmethod
    def from_model(cls, row: m.PortalTheme) -> PortalTheme:
        return cls(
            primary_color=row.primary_color,
            accent_color=row.accent_color,
            background_color=row.background_color,
            text_color=row.text_color,
            logo_url=row.logo_url,
            version=row.version,
        )


@strawberry.type(name="PortalPlacement", description="A component or resource placed on a page.")
class Placement:
    id: str
    column: int = strawberry.field(description="0-based column of the template.")
    position: int = strawberry.field(description="0-based order within the column.")
    title: str | None
    settings: JSON
    component: PortalComponent | None
    component_version: PortalComponentVersion | None
    resource: PortalResource | None

    @classmethod
    def of(cls, placement: r.ResolvedPlacement) -> Placement:
        return cls(
            id=placement.id,
            column=placement.column,
            position=placement.position,
            title=placement.title,
            settings=cast(JSON, placement.settings),
            component=(
                PortalComponent.from_model(placement.component) if placement.component else None
            ),
            component_version=(
                PortalComponentVersion.from_model(placement.component_version)
                if placement.component_version
                else None
            ),
            resource=PortalResource.from_model(placement.resource) if placement.resource else None,
        )


async def _placements(info: Info, stored: list[dict[str, Any]]) -> list[Placement]:
    return [Placement.of(p) for p in await r.placements(info.context, stored)]


@strawberry.type(
    name="PortalLayoutVersion",
    description="A published version of the tenant's default portal page; never changed.",
)
class PortalLayoutVersion(relay.Node):
    id: relay.NodeID[str]
    number: int
    template: TemplateEnum  # type: ignore[valid-type]
    restored_from: int | None = strawberry.field(
        description="The version this one restores (a rollback)."
    )
    published_by_name: str
    published_at: datetime
    stored: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def from_model(cls, row: m.PortalLayoutVersion) -> PortalLayoutVersion:
        return cls(
            id=str(row.id),
            number=row.number,
            template=row.template,
            restored_from=row.restored_from,
            published_by_name=row.published_by_name,
            published_at=row.created_at,
            stored=row.placements,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PortalLayoutVersion | None]:
        rows = await r.layout_version_nodes(info.context, [_uuid(i) for i in node_ids])
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field
    async def placements(self, info: Info) -> list[Placement]:
        return await _placements(info, self.stored)


@strawberry.type(
    name="PortalLayout", description="A role's default page or a user's personal page."
)
class PortalLayout:
    template: TemplateEnum  # type: ignore[valid-type]
    priority: int = strawberry.field(
        description="For role defaults: a user with several roles gets the lowest first."
    )
    version: int
    updated_at: datetime
    role_id: strawberry.Private[uuid.UUID | None]
    stored: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def from_model(cls, row: m.PortalLayout) -> PortalLayout:
        return cls(
            template=row.template,
            priority=row.priority,
            version=row.version,
            updated_at=row.updated_at,
            role_id=row.role_id,
            stored=row.placements,
        )

    @strawberry.field(description="The role, for a role default; null for a personal layout.")
    async def role(self, info: Info) -> Role | None:
        if self.role_id is None:
            return None
        row = await info.context.loaders.role.load(self.role_id)
        return Role.from_model(row) if row else None

    @strawberry.field
    async def placements(self, info: Info) -> list[Placement]:
        return await _placements(info, self.stored)


@strawberry.type(name="Portal", description="The office portal (门户) as the viewer sees it.")
class Portal:
    source: LayoutSourceEnum  # type: ignore[valid-type]
    template: TemplateEnum  # type: ignore[valid-type]
    columns: int
    theme: PortalTheme
    role: Role | None = strawberry.field(description="The role whose default applies.")
    layout_version: int | None = strawberry.field(
        description="The tenant layout version shown, when the source is TENANT."
    )
    hidden_count: int = strawberry.field(
        description="Placements left out: not approved for the tenant, or not permitted."
    )
    placements: list[Placement]

    @classmethod
    def of(cls, resolved: r.ResolvedPortal) -> Portal:
        return cls(
            source=resolved.source,
            template=resolved.template,
            columns=r.COLUMNS[resolved.template],
            theme=PortalTheme.from_model(resolved.theme),
            role=Role.from_model(resolved.role) if resolved.role else None,
            layout_version=resolved.layout_version,
            hidden_count=resolved.hidden,
            placements=[Placement.of(p) for p in resolved.placements],
        )


@strawberry.type(name="SetupStep", description="One step of the guided setup (流程引导).")
class SetupStep:
    key: str
    title: str
    hint: str
    state: StepStateEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, status: r.StepStatus) -> SetupStep:
        return cls(
            key=status.step.key, title=status.step.title, hint=status.step.hint, state=status.state
        )


@strawberry.type(name="SetupChecklist", description="What a new tenant has set up, and next.")
class SetupChecklist:
    steps: list[SetupStep]
    next: SetupStep | None = strawberry.field(description="The first step still to do.")
    done_count: int
    total: int

    @classmethod
    def of(cls, checklist: r.Checklist) -> SetupChecklist:
        return cls(
            steps=[SetupStep.of(x) for x in checklist.steps],
            next=SetupStep.of(checklist.next) if checklist.next else None,
            done_count=checklist.done,
            total=len(checklist.steps),
        )
