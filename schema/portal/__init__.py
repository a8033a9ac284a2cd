"""The self-service office portal (门户): service components (服务组件), resource integration
(资源接入), on-demand services (按需申请), themes and layouts, and the guided setup (流程引导)."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models.portal_components import HttpMethod
from resolvers import portal as r
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection
from schema.errors import UserError, user_errors
from schema.portal.types import (
    CategoryEnum,
    ConnectionCheck,
    HttpMethodEnum,
    Portal,
    PortalComponent,
    PortalComponentVersion,
    PortalLayout,
    PortalLayoutVersion,
    PortalResource,
    PortalTheme,
    ResourceKindEnum,
    ServiceApplication,
    SetupChecklist,
    TemplateEnum,
)
from schema.tenants import ApplicationStatusEnum
from schema.types import Info

# Queries ---------------------------------------------------------------------------------------


@strawberry.input
class PortalComponentFilter:
    search: str | None = strawberry.field(default=None, description="Key or name.")
    category: CategoryEnum | None = None  # type: ignore[valid-type]
    standard: bool | None = strawberry.field(
        default=None, description="Only the standard set (true) or only the tenant's own (false)."
    )


@strawberry.input
class PortalResourceFilter:
    search: str | None = strawberry.field(default=None, description="Key or name.")
    kind: ResourceKindEnum | None = None  # type: ignore[valid-type]
    standard: bool | None = None


@strawberry.type
class PortalQuery:
    @strawberry.field(
        description="Service components the viewer's tenant can see: its own and the standard set."
    )
    async def portal_components(
        self,
        info: Info,
        filter: PortalComponentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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
    async def portal_component(self, info: Info, key: str) -> PortalComponent | None:
        row = await r.component_by_key(info.context, key)
        return PortalComponent.from_model(row) if row else None

    @strawberry.field(description="External resources: the tenant's own and the shared ones.")
    async def portal_resources(
        self,
        info: Info,
        filter: PortalResourceFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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
        status: ApplicationStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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

    @strawberry.field(
        description="The component manifest standard, as a JSON Schema (draft 2020-12)."
    )
    def portal_component_manifest_schema(self) -> JSON:
        return cast(JSON, r.MANIFEST_SCHEMA)


# Mutations -------------------------------------------------------------------------------------


@strawberry.input
class RegisterPortalComponentInput:
    manifest: JSON = strawberry.field(
        description="The component manifest (see portalComponentManifestSchema)."
    )
    standard: bool = strawberry.field(
        default=False,
        description="Add it to the platform's standard set (platform admins); otherwise it "
        "belongs to the viewer's tenant only.",
    )


@strawberry.input
class RegisterPortalResourceInput:
    key: str
    name: str
    kind: ResourceKindEnum  # type: ignore[valid-type]
    endpoint_url: str
    method: HttpMethodEnum = HttpMethod.GET  # type: ignore[valid-type]
    interface: str | None = strawberry.field(
        default=None, description="Interface description: parameters, answers, formats."
    )
    help: str | None = None
    example: JSON | None = strawberry.field(
        default=None, description="An example call; POST tests send it as the JSON body."
    )
    standard: bool = strawberry.field(
        default=False, description="Share it with every tenant (platform admins)."
    )


@strawberry.input
class UpdatePortalResourceInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    kind: ResourceKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    endpoint_url: str | None = strawberry.UNSET
    method: HttpMethodEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    interface: str | None = strawberry.UNSET
    help: str | None = strawberry.UNSET
    example: JSON | None = strawberry.UNSET
    expected_version: int | None = None


@strawberry.input
class TestPortalResourceConnectionInput:
    id: relay.GlobalID


@strawberry.input
class ApplyForPortalServiceInput:
    component_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A standard component; or pass resourceId."
    )
    resource_id: relay.GlobalID | None = None
    note: str | None = strawberry.field(default=None, description="Why the tenant needs it.")


@strawberry.input
class ReviewPortalServiceApplicationInput:
    id: relay.GlobalID
    approve: bool
    reason: str | None = strawberry.field(default=None, description="Required to reject.")


@strawberry.input
class SetPortalThemeInput:
    primary_color: str | None = strawberry.UNSET
    accent_color: str | None = strawberry.UNSET
    background_color: str | None = strawberry.UNSET
    text_color: str | None = strawberry.UNSET
    logo_url: str | None = strawberry.UNSET
    expected_version: int | None = None


@strawberry.input(description="A component (with settings) or a resource to place on a page.")
class PortalPlacementInput:
    component_id: relay.GlobalID | None = None
    version: str | None = strawberry.field(
        default=None, description="The component version; the latest by default."
    )
    resource_id: relay.GlobalID | None = None
    column: int = 0
    title: str | None = None
    settings: JSON | None = strawberry.field(
        default=None, description="Checked against the component's settings schema."
    )


@strawberry.input
class PublishPortalLayoutInput:
    template: TemplateEnum  # type: ignore[valid-type]
    placements: list[PortalPlacementInput]
    expected_version: int | None = strawberry.field(
        default=None,
        description="The version number this is based on (0 for the first); CONFLICT otherwise.",
    )


@strawberry.input
class RollbackPortalLayoutInput:
    to_version: int
    expected_version: int | None = None


@strawberry.input
class SetRolePortalLayoutInput:
    role_id: relay.GlobalID
    template: TemplateEnum  # type: ignore[valid-type]
    placements: list[PortalPlacementInput]
    priority: int = strawberry.field(
        default=100, description="Lower wins for users holding several roles."
    )
    expected_version: int | None = None


@strawberry.input
class ClearRolePortalLayoutInput:
    role_id: relay.GlobalID


@strawberry.input
class SetMyPortalLayoutInput:
    template: TemplateEnum  # type: ignore[valid-type]
    placements: list[PortalPlacementInput]
    expected_version: int | None = None


@strawberry.input
class ResetMyPortalLayoutInput:
    expected_version: int | None = None


@strawberry.type
class PortalComponentPayload:
    component: PortalComponent | None
    component_version: PortalComponentVersion | None
    errors: list[UserError]


@strawberry.type
class PortalResourcePayload:
    resource: PortalResource | None
    errors: list[UserError]


@strawberry.type
class TestPortalResourceConnectionPayload:
    resource: PortalResource | None
    check: ConnectionCheck | None
    errors: list[UserError]


@strawberry.type
class ServiceApplicationPayload:
    application: ServiceApplication | None
    errors: list[UserError]


@strawberry.type
class PortalThemePayload:
    theme: PortalTheme | None
    errors: list[UserError]


@strawberry.type
class PortalLayoutVersionPayload:
    layout_version: PortalLayoutVersion | None
    errors: list[UserError]


@strawberry.type
class PortalLayoutPayload:
    layout: PortalLayout | None
    errors: list[UserError]


def _resource(result: tuple[Any, tuple[Problem, ...]]) -> PortalResourcePayload:
    row, problems = result
    return PortalResourcePayload(
        resource=PortalResource.from_model(row) if row else None,
        errors=user_errors(problems),
    )


def _application(result: tuple[Any, tuple[Problem, ...]]) -> ServiceApplicationPayload:
    row, problems = result
    return ServiceApplicationPayload(
        application=ServiceApplication.from_model(row) if row else None,
        errors=user_errors(problems),
    )


def _layout_version(result: tuple[Any, tuple[Problem, ...]]) -> PortalLayoutVersionPayload:
    row, problems = result
    return PortalLayoutVersionPayload(
        layout_version=PortalLayoutVersion.from_model(row) if row else None,
        errors=user_errors(problems),
    )


def _layout(result: tuple[Any, tuple[Problem, ...]]) -> PortalLayoutPayload:
    row, problems = result
    return PortalLayoutPayload(
        layout=PortalLayout.from_model(row) if row else None,
        errors=user_errors(problems),
    )


@strawberry.type
class PortalMutation:
    @strawberry.mutation(
        description="Register a service component from its manifest, or a new version of it. "
        "The operation is validated against this API's schema."
    )
    async def register_portal_component(
        self, info: Info, input: RegisterPortalComponentInput
    ) -> PortalComponentPayload:
        row, problems = await r.register_component(info.context, input, info._raw_info.schema)
        if row is None:
            return PortalComponentPayload(
                component=None, component_version=None, errors=user_errors(problems)
            )
        component = await r.loaders(info.context).component.load(row.component_id)
        return PortalComponentPayload(
            component=PortalComponent.from_model(component) if component else None,
            component_version=PortalComponentVersion.from_model(row),
            errors=[],
        )

    @strawberry.mutation(description="Integrate an external resource (资源接入).")
    async def register_portal_resource(
        self, info: Info, input: RegisterPortalResourceInput
    ) -> PortalResourcePayload:
        return _resource(await r.register_resource(info.context, input))

    @strawberry.mutation
    async def update_portal_resource(
        self, info: Info, input: UpdatePortalResourceInput
    ) -> PortalResourcePayload:
        return _resource(await r.update_resource(info.context, input))

    @strawberry.mutation(
        description="Call the resource (5 s, body capped) and report what came back. Outside "
        "dev mode only public addresses are called."
    )
    async def test_portal_resource_connection(
        self, info: Info, input: TestPortalResourceConnectionInput
    ) -> TestPortalResourceConnectionPayload:
        result, problems = await r.check_resource_connection(info.context, input)
        row, check = result if result else (None, None)
        return TestPortalResourceConnectionPayload(
            resource=PortalResource.from_model(row) if row else None,
            check=ConnectionCheck.from_dict(check.as_dict()) if check else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="Apply for a standard component or shared resource.")
    async def apply_for_portal_service(
        self, info: Info, input: ApplyForPortalServiceInput
    ) -> ServiceApplicationPayload:
        return _application(await r.apply_for_service(info.context, input))

    @strawberry.mutation(
        description="Approve, or reject with a reason, a service application (platform admins)."
    )
    async def review_portal_service_application(
        self, info: Info, input: ReviewPortalServiceApplicationInput
    ) -> ServiceApplicationPayload:
        return _application(await r.review_service_application(info.context, input))

    @strawberry.mutation(description="Set the tenant's portal colours and logo.")
    async def set_portal_theme(self, info: Info, input: SetPortalThemeInput) -> PortalThemePayload:
        row, problems = await r.set_theme(info.context, input)
        return PortalThemePayload(
            theme=PortalTheme.from_model(row) if row else None, errors=user_errors(problems)
        )

    @strawberry.mutation(description="Publish the tenant's default portal page as a new version.")
    async def publish_portal_layout(
        self, info: Info, input: PublishPortalLayoutInput
    ) -> PortalLayoutVersionPayload:
        return _layout_version(await r.publish_layout(info.context, input))

    @strawberry.mutation(
        description="Publish a copy of an earlier version as the newest (history is kept)."
    )
    async def rollback_portal_layout(
        self, info: Info, input: RollbackPortalLayoutInput
    ) -> PortalLayoutVersionPayload:
        return _layout_version(await r.rollback_layout(info.context, input))

    @strawberry.mutation(description="Set the default page of a role's holders.")
    async def set_role_portal_layout(
        self, info: Info, input: SetRolePortalLayoutInput
    ) -> PortalLayoutPayload:
        return _layout(await r.set_role_layout(info.context, input))

    @strawberry.mutation(description="Remove a role's default page.")
    async def clear_role_portal_layout(
        self, info: Info, input: ClearRolePortalLayoutInput
    ) -> PortalLayoutPayload:
        return _layout(await r.clear_role_layout(info.context, input))

    @strawberry.mutation(description="Save the viewer's personal portal page.")
    async def set_my_portal_layout(
        self, info: Info, input: SetMyPortalLayoutInput
    ) -> PortalLayoutPayload:
        return _layout(await r.set_my_layout(info.context, input))

    @strawberry.mutation(description="Drop the personal page: role or tenant default again.")
    async def reset_my_portal_layout(
        self, info: Info, input: ResetMyPortalLayoutInput
    ) -> PortalLayoutPayload:
        return _layout(await r.reset_my_layout(info.context, input))


__all__ = ["PortalMutation", "PortalQuery"]
