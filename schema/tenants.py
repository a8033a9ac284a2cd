"""Tenants (租户): registration (在线注册), review, and hierarchical administration (分级管理)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import tenants as m
from resolvers import tenants as r
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection, node_keys
from schema.directory import User
from schema.errors import UserError, user_errors
from schema.types import Info

TenantStatusEnum = strawberry.enum(m.TenantStatus, name="TenantStatus")
TenantKindEnum = strawberry.enum(m.TenantKind, name="TenantKind")
ApplicationStatusEnum = strawberry.enum(m.ApplicationStatus, name="ApplicationStatus")


@strawberry.type(name="Tenant", description="A department (租户 / 部门 / 单位); tenants nest.")
class Tenant(relay.Node):
    id: relay.NodeID[str]
    code: str
    name: str
    kind: TenantKindEnum  # type: ignore[valid-type]
    status: TenantStatusEnum  # type: ignore[valid-type]
    settings: JSON
    version: int
    created_at: datetime
    parent_id: strawberry.Private[uuid.UUID | None]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Tenant | None]:
        rows = [await r.visible_tenant(info.context, key) for key in node_keys(node_ids)]
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="The parent tenant, when the viewer may see it.")
    async def parent(self, info: Info) -> Tenant | None:
        if self.parent_id is None:
            return None
        row = await r.visible_tenant(info.context, self.parent_id)
        return Tenant.from_model(row) if row else None


@strawberry.type(name="TenantApplication", description="An online registration (在线注册).")
class TenantApplication(relay.Node):
    id: relay.NodeID[str]
    code: str
    name: str
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    applicant_name: str
    applicant_email: str
    applicant_phone: str | None
    admin_username: str
    details: JSON
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    tenant_id: strawberry.Private[uuid.UUID | None]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[TenantApplication | None]:
        rows = await r.application_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="The tenant reserved or created for this application.")
    async def tenant(self, info: Info) -> Tenant | None:
        if self.tenant_id is None:
            return None
        row = await r.visible_tenant(info.context, self.tenant_id)
        return Tenant.from_model(row) if row else None


@strawberry.input
class TenantFilter:
    status: TenantStatusEnum | None = None  # type: ignore[valid-type]
    search: str | None = strawberry.field(default=None, description="Code or name.")


@strawberry.type
class TenantQuery:
    @strawberry.field(
        description="Tenants the viewer may see: all for platform admins, its own and those "
        "below it for a tenant admin, its own for everyone else."
    )
    async def tenants(
        self,
        info: Info,
        filter: TenantFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Tenant]:
        f = filter or TenantFilter()
        page = await r.tenant_list(
            info.context,
            status=f.status,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, Tenant.from_model)

    @strawberry.field(description="Registrations to review (platform admins).")
    async def tenant_applications(
        self,
        info: Info,
        status: ApplicationStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TenantApplication]:
        page = await r.applications(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, TenantApplication.from_model)

    @strawberry.field(
        description="An application's status, for its applicant: pass the `statusSecret` that "
        "applyForTenant returned. Null for any other value."
    )
    async def tenant_application_status(self, secret: str) -> TenantApplicationStatus | None:
        row = await r.application_status(secret)
        if row is None:
            return None
        return TenantApplicationStatus(
            status=row.status, reason=row.reason, decided_at=row.decided_at
        )


@strawberry.input
class ApplyForTenantInput:
    code: str = strawberry.field(description="Short unique code, e.g. 'bj-jxw'.")
    name: str
    applicant_name: str
    applicant_email: str
    admin_username: str = strawberry.field(description="Username of the first administrator.")
    parent_code: str | None = strawberry.field(
        default=None, description="Code of the parent tenant (city → district → street)."
    )
    applicant_phone: str | None = None
    details: JSON | None = None


@strawberry.input
class ReviewTenantApplicationInput:
    id: relay.GlobalID
    approve: bool
    reason: str | None = strawberry.field(default=None, description="Required to reject.")


@strawberry.input
class CreateTenantInput:
    code: str
    name: str
    parent_id: relay.GlobalID | None = None
    admin_username: str = "admin"
    admin_name: str | None = None
    admin_email: str | None = None


@strawberry.input
class UpdateTenantInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    expected_version: int | None = None


@strawberry.input
class SetTenantStatusInput:
    id: relay.GlobalID
    status: TenantStatusEnum  # type: ignore[valid-type]


@strawberry.type
class TenantApplicationPayload:
    application: TenantApplication | None
    tenant: Tenant | None = None
    status_secret: str | None = strawberry.field(
        default=None,
        description="Given once, by applyForTenant: keep it to ask tenantApplicationStatus.",
    )
    errors: list[UserError]


@strawberry.type(description="What an applicant learns about its application, and no more.")
class TenantApplicationStatus:
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="The reviewer's note on the decision.")
    decided_at: datetime | None


@strawberry.type
class TenantPayload:
    tenant: Tenant | None
    administrator: User | None = strawberry.field(
        default=None, description="The first administrator, when the tenant was just created."
    )
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[m.Tenant | None, tuple[Problem, ...]]) -> TenantPayload:
        row, problems = result
        return cls(tenant=Tenant.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class TenantMutation:
    @strawberry.mutation(
        description="Apply for a new tenant (self-service registration), anonymous or signed in."
    )
    async def apply_for_tenant(
        self, info: Info, input: ApplyForTenantInput
    ) -> TenantApplicationPayload:
        result, problems = await r.apply_for_tenant(info.context, input)
        row, secret = result if result else (None, None)
        return TenantApplicationPayload(
            application=TenantApplication.from_model(row) if row else None,
            status_secret=secret,
            errors=user_errors(problems),
        )

    @strawberry.mutation(
        description="Approve (the tenant becomes active, with default roles and an "
        "administrator) or reject with a reason. Platform admins only."
    )
    async def review_tenant_application(
        self, info: Info, input: ReviewTenantApplicationInput
    ) -> TenantApplicationPayload:
        result, problems = await r.review_application(info.context, input)
        application, tenant = result if result else (None, None)
        return TenantApplicationPayload(
            application=TenantApplication.from_model(application) if application else None,
            tenant=Tenant.from_model(tenant) if tenant else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="Create an active tenant directly. Platform admins only.")
    async def create_tenant(self, info: Info, input: CreateTenantInput) -> TenantPayload:
        result, problems = await r.create_tenant(info.context, input)
        tenant, admin = result if result else (None, None)
        return TenantPayload(
            tenant=Tenant.from_model(tenant) if tenant else None,
            administrator=User.from_model(admin) if admin else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="Rename a tenant or change its settings.")
    async def update_tenant(self, info: Info, input: UpdateTenantInput) -> TenantPayload:
        return TenantPayload.of(await r.update_tenant(info.context, input))

    @strawberry.mutation(description="Suspend or reactivate a tenant. Platform admins only.")
    async def set_tenant_status(self, info: Info, input: SetTenantStatusInput) -> TenantPayload:
        return TenantPayload.of(await r.set_tenant_status(info.context, input))


__all__ = ["Tenant", "TenantApplication", "TenantMutation", "TenantQuery"]
