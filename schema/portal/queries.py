"""Portal queries: the catalogue of components and resources, service applications, the
viewer's portal, layouts and the guided setup."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from models import portal_components as m
from models.tenants import ApplicationStatus
from resolvers import portal as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.portal.layouts import Portal, PortalLayout, PortalLayoutVersion, SetupChecklist
from schema.portal.types import PortalComponent, PortalResource, ServiceApplication
from schema.types import Info
from services.portal import MANIFEST_SCHEMA


@strawberry.input(description="Which catalogue entries to list.")
class PortalComponentFilter:
    search: str | None = strawberry.field(default=None, description="Key or name.")
    category: m.ComponentCategory | None = strawberry.field(
        default=None, description="Only components of this category."
    )
    standard: bool | None = strawberry.field(
        default=None, description="Only the standard set (true) or only the tenant's own (false)."
    )


@strawberry.input(description="Which resources to list.")
class PortalResourceFilter:
    search: str | None = strawberry.field(default=None, description="Key or name.")
    kind: m.ResourceKind | None = strawberry.field(
        default=None, description="Only resources of this kind."
    )
    standard: bool | None = strawberry.field(
        default=None, description="Only resources following this standard (exact match)."
    )


@strawberry.type
class PortalQuery:
    @strawberry.field(
        description="Service components the viewer's tenant can see: its own and the standard set."
    )
    async def portal_components(
        self,
        info: Info,
        filter: Annotated[
            PortalComponentFilter | None,
            strawberry.argument(description="By category; omit for the whole catalogue."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PortalComponent]:
        f = filter or PortalComponentFilter()
        page = await r.components(
            info.context,
            search=f.search,
            category=f.category,
            standard=f.standard,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, PortalComponent.from_model)

    @strawberry.field(description="A component by key (the tenant's own before the standard one).")
    async def portal_component(
        self,
        info: Info,
        key: Annotated[
            str, strawberry.argument(description="The component's key, e.g. `documents`.")
        ],
    ) -> PortalComponent | None:
        row = await r.component_by_key(info.context, key)
        return PortalComponent.from_model(row) if row else None

    @strawberry.field(description="External resources: the tenant's own and the shared ones.")
    async def portal_resources(
        self,
        info: Info,
        filter: Annotated[
            PortalResourceFilter | None,
            strawberry.argument(description="By kind or by the standard they follow."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PortalResource]:
        f = filter or PortalResourceFilter()
        page = await r.resources(
            info.context,
            search=f.search,
            kind=f.kind,
            standard=f.standard,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, PortalResource.from_model)

    @strawberry.field(
        description="Applications for shared services: every tenant's for platform admins, "
        "the own tenant's for tenant admins."
    )
    async def portal_service_applications(
        self,
        info: Info,
        status: Annotated[
            ApplicationStatus | None,
            strawberry.argument(description="Only applications in this status; omit for all."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ServiceApplication]:
        page = await r.service_applications(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, ServiceApplication.from_model)

    @strawberry.field(
        description="The portal as the viewer sees it: personal layout, else the first role "
        "default, else the tenant's published layout. Null when signed out."
    )
    async def portal(self, info: Info) -> Portal | None:
        resolved = await r.resolved_portal(info.context)
        return Portal.of(resolved) if resolved else None

    @strawberry.field(description="The tenant's published layout versions, newest first.")
    async def portal_layout_history(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PortalLayoutVersion]:
        page = await r.layout_history(info.context, page=PageArgs(first, after, last, before))
        return Connection.of(page, PortalLayoutVersion.from_model)

    @strawberry.field(description="The tenant's current published layout (tenant admins).")
    async def portal_tenant_layout(self, info: Info) -> PortalLayoutVersion | None:
        row = await r.current_layout(info.context)
        return PortalLayoutVersion.from_model(row) if row else None

    @strawberry.field(description="Role default layouts, in resolution order (tenant admins).")
    async def portal_role_layouts(self, info: Info) -> list[PortalLayout]:
        return [PortalLayout.from_model(row) for row in await r.role_layouts(info.context)]

    @strawberry.field(description="The viewer's personal layout, if any.")
    async def my_portal_layout(self, info: Info) -> PortalLayout | None:
        row = await r.my_layout(info.context)
        return PortalLayout.from_model(row) if row else None

    @strawberry.field(description="The guided setup of the viewer's tenant (tenant admins).")
    async def portal_setup_checklist(self, info: Info) -> SetupChecklist | None:
        checklist = await r.setup_checklist(info.context)
        return SetupChecklist.of(checklist) if checklist else None

    @strawberry.field(description="The component manifest standard, as a JSON Schema.")
    def portal_component_manifest_schema(self) -> JSON:
        return cast(JSON, MANIFEST_SCHEMA)
