"""The self-service office portal (门户): service components (服务组件) with versioned manifests,
integrated external resources (资源接入), on-demand service applications (按需申请), themes and
layouts (the tenant's published versions, role defaults and personal layouts)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, TypeVar

from tortoise import fields
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models.base import TenantEntity
from models.directory import Role, User
from models.tenants import ApplicationStatus
from models.usage import ServicePackage

C = TypeVar("C", "PortalComponent", "PortalResource")


class ComponentCategory(StrEnum):
    DOCUMENT_FLOW = "document_flow"
    PUBLIC_INFORMATION = "public_information"
    PUBLICATIONS = "publications"
    PERSONAL_ASSISTANCE = "personal_assistance"
    PUBLIC_AFFAIRS = "public_affairs"
    OTHER = "other"


class ResourceKind(StrEnum):
    FEED = "feed"
    DATA = "data"
    PROCESS = "process"
    APPLICATION = "application"
    FUNCTION = "function"
    PAGE = "page"


class HttpMethod(StrEnum):
    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"


class ServiceKind(StrEnum):
    COMPONENT = "component"
    RESOURCE = "resource"
    PACKAGE = "package"
    """A service package (服务套餐): approving it assigns the package to the tenant."""


class LayoutTemplate(StrEnum):
    ONE_COLUMN = "one_column"
    TWO_COLUMNS = "two_columns"
    THREE_COLUMNS = "three_columns"


class PortalComponent(TenantEntity):
    """A component key with its versions, owned by a tenant or shared by the platform."""

    key = fields.CharField(max_length=64)
    standard = fields.BooleanField(default=False, db_index=True)
    """Shared with every tenant (the platform's standard set), who must apply to use it."""
    name = fields.CharField(max_length=200)
    category = fields.CharEnumField(ComponentCategory, max_length=32)
    latest_version = fields.CharField(max_length=64)

    versions: fields.ReverseRelation[PortalComponentVersion]

    class Meta:
        table = "portal_component"
        unique_together = (("tenant", "key"),)


class PortalComponentVersion(TenantEntity):
    """One registered manifest version, never changed after registration."""

    component: fields.ForeignKeyRelation[PortalComponent] = fields.ForeignKeyField(
        "officecloud.PortalComponent", related_name="versions", on_delete=fields.RESTRICT
    )
    version = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    required_permission = fields.CharField(max_length=64, null=True)
    manifest: dict[str, Any] = fields.JSONField()

    component_id: uuid.UUID

    class Meta:
        table = "portal_component_version"
        unique_together = (("component", "version"),)


class PortalResource(TenantEntity):
    """An external resource (feed, data endpoint, process, application, function or page)."""

    key = fields.CharField(max_length=64)
    standard = fields.BooleanField(default=False, db_index=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(ResourceKind, max_length=16)
    endpoint_url = fields.CharField(max_length=2000)
    method = fields.CharEnumField(HttpMethod, max_length=8, default=HttpMethod.GET)
    interface = fields.TextField(default="")
    help = fields.TextField(default="")
    example: Any = fields.JSONField(null=True)
    last_check: dict[str, Any] | None = fields.JSONField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "portal_resource"
        unique_together = (("tenant", "key"),)


class ServiceApplication(TenantEntity):
    """A tenant's application (按需申请) for a shared component or resource."""

    kind = fields.CharEnumField(ServiceKind, max_length=16)
    component: fields.ForeignKeyNullableRelation[PortalComponent] = fields.ForeignKeyField(
        "officecloud.PortalComponent", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    resource: fields.ForeignKeyNullableRelation[PortalResource] = fields.ForeignKeyField(
        "officecloud.PortalResource", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    package: fields.ForeignKeyNullableRelation[ServicePackage] = fields.ForeignKeyField(
        "officecloud.ServicePackage", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(
        ApplicationStatus, max_length=16, default=ApplicationStatus.PENDING, db_index=True
    )
    slot = fields.CharField(max_length=80, null=True)
    """`<kind>:<target id>` while pending or approved, null once rejected: one live
    application per tenant and target, enforced by the unique constraint."""
    note = fields.TextField(default="")
    applicant_name = fields.CharField(max_length=100, default="")
    applicant: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewer_name = fields.CharField(max_length=100, default="")
    reason: str | None = fields.TextField(null=True)
    decided_at = fields.DatetimeField(null=True)

    component_id: uuid.UUID | None
    resource_id: uuid.UUID | None
    package_id: uuid.UUID | None
    applicant_id: uuid.UUID | None
    reviewer_id: uuid.UUID | None

    class Meta:
        table = "portal_service_application"
        unique_together = (("tenant", "slot"),)


class PortalTheme(TenantEntity):
    primary_color = fields.CharField(max_length=9)
    accent_color = fields.CharField(max_length=9)
    background_color = fields.CharField(max_length=9)
    text_color = fields.CharField(max_length=9)
    logo_url = fields.CharField(max_length=2000, null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "portal_theme"
        unique_together = (("tenant",),)


class PortalLayoutVersion(TenantEntity):
    """A published tenant layout, never changed: a rollback publishes a copy as a new number."""

    number = fields.IntField()
    template = fields.CharEnumField(LayoutTemplate, max_length=16)
    placements: list[dict[str, Any]] = fields.JSONField(default=list)
    published_by_id = fields.UUIDField(null=True)
    published_by_name = fields.CharField(max_length=100, default="")
    restored_from = fields.IntField(null=True)

    class Meta:
        table = "portal_layout_version"
        unique_together = (("tenant", "number"),)


class PortalLayout(TenantEntity):
    """A role's default layout or a user's personal layout (exactly one of role and user)."""

    role: fields.ForeignKeyNullableRelation[Role] = fields.ForeignKeyField(
        "officecloud.Role", related_name=False, null=True, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    priority = fields.IntField(default=100)
    template = fields.CharEnumField(LayoutTemplate, max_length=16)
    placements: list[dict[str, Any]] = fields.JSONField(default=list)
    version = fields.IntField(default=1)

    role_id: uuid.UUID | None
    user_id: uuid.UUID | None

    class Meta:
        table = "portal_layout"
        unique_together = (("tenant", "role"), ("tenant", "user"))


def catalogue(model: type[C], tenant_id: uuid.UUID) -> QuerySet[C]:
    """What a tenant may see of components or resources: its own and the platform's shared
    ones. With the two below, the only queries of these models besides `TenantScope`."""
    return model.filter(Q(tenant_id=tenant_id) | Q(standard=True))


def visible_versions(tenant_id: uuid.UUID) -> QuerySet[PortalComponentVersion]:
    """The versions of the components in the tenant's catalogue."""
    return PortalComponentVersion.filter(Q(tenant_id=tenant_id) | Q(component__standard=True))


def review_queue() -> QuerySet[ServiceApplication]:
    """Every tenant's service applications: for platform admins, who review them."""
    return ServiceApplication.all()
