"""Permission codes, data scopes and the `Actor` every service checks before it changes anything.

`Actor` is a plain value (no I/O) built by `auth` from a validated token, so services can check
permissions without knowing about HTTP or GraphQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Permission(StrEnum):
    PLATFORM_ADMIN = "platform.admin"
    """Operate the platform: tenants, applications. Only effective in the platform tenant."""
    TENANT_ADMIN = "tenant.admin"
    """Administer one's own tenant (分级管理) and see its child tenants."""
    DIRECTORY_MANAGE = "directory.manage"
    """Create and change org units, users, roles and role assignments within the data scope."""
    FORMS_MANAGE = "forms.manage"
    """Design forms (表单)."""
    FLOWS_MANAGE = "flows.manage"
    """Design, import and publish flows (流程) and install templates."""
    DOCUMENTS_READ = "documents.read"
    """Read documents of the org units in the data scope (not classified ones)."""
    DOCUMENTS_MANAGE = "documents.manage"
    """Document types, templates and numbers; terminate and archive any document."""
    EXCHANGE_SEND = "exchange.send"
    """Distribute (分发) completed outgoing documents one may read to partner tenants."""
    EXCHANGE_RECEIVE = "exchange.receive"
    """Work the incoming box (收文箱): sign for (签收) or return (退回) what other tenants sent."""
    NOTICES_PUBLISH = "notices.publish"
    """Publish and revoke notices (通知公告) without approval; follow any notice's receipts."""
    PUBLICATIONS_EDIT = "publications.edit"
    """Edit information publications (信息刊物): assemble issues, adopt articles, publish."""
    BOOKINGS_MANAGE = "bookings.manage"
    """Keep bookable resources (公共事务) and approve or reject their bookings."""


class DataScope(StrEnum):
    """How far a role reaches (数据权限), from narrowest to widest."""

    SELF = "self"
    ORG_UNIT = "org_unit"
    ORG_UNIT_AND_BELOW = "org_unit_and_below"
    TENANT = "tenant"


@dataclass(frozen=True, slots=True)
class Grant:
    """The permissions of one role assignment, anchored at org unit paths."""

    permissions: frozenset[str]
    scope: DataScope
    anchor_paths: tuple[str, ...] = ()

    def covers(
        self, *, user_id: uuid.UUID, actor_id: uuid.UUID, org_paths: tuple[str, ...]
    ) -> bool:
        if self.scope is DataScope.TENANT:
            return True
        if self.scope is DataScope.SELF:
            return user_id == actor_id
        if self.scope is DataScope.ORG_UNIT:
            return any(path in self.anchor_paths for path in org_paths)
        return any(path.startswith(anchor) for path in org_paths for anchor in self.anchor_paths)


@dataclass(frozen=True, slots=True)
class Actor:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    tenant_path: str
    name: str = ""
    is_platform: bool = False
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset().union(*(g.permissions for g in self.grants))

    def has(self, permission: Permission) -> bool:
        if permission is Permission.PLATFORM_ADMIN and not self.is_platform:
            return False
        return any(permission in g.permissions for g in self.grants)

    @property
    def is_platform_admin(self) -> bool:
        return self.has(Permission.PLATFORM_ADMIN)

    def may(
        self,
        permission: Permission,
        *,
        org_paths: tuple[str, ...] = (),
        user_id: uuid.UUID | None = None,
    ) -> bool:
        """Whether a grant holding `permission` reaches a target in these units (or user)."""
        target_user = user_id if user_id is not None else uuid.UUID(int=0)
        return any(
            permission in g.permissions
            and g.covers(user_id=target_user, actor_id=self.user_id, org_paths=org_paths)
            for g in self.grants
        )

    def widest_scope(self, permission: Permission) -> DataScope | None:
        order = list(DataScope)
        scopes = [g.scope for g in self.grants if permission in g.permissions]
        return max(scopes, key=order.index) if scopes else None
