"""The directory of a tenant: org units (组织机构), users, roles and role assignments."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields

from models.access import DataScope
from models.base import TenantEntity


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    DEPROVISIONED = "deprovisioned"


class OrgUnit(TenantEntity):
    parent: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "officecloud.OrgUnit", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    code = fields.CharField(max_length=64, null=True)
    path = fields.CharField(max_length=2000, db_index=True)
    """`/<hex id>/…/<hex id>/` from the root unit down to this one: subtree = path prefix."""
    depth = fields.IntField(default=0)
    sort_order = fields.IntField(default=0)
    external_id = fields.CharField(max_length=255, null=True)
    leader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    archived_at = fields.DatetimeField(null=True)
    """Deleted at the portal: out of the tree (no members, no children), kept for history."""
    version = fields.IntField(default=1)

    parent_id: uuid.UUID | None
    leader_id: uuid.UUID | None

    class Meta:
        table = "org_unit"
        unique_together = (("tenant", "code"), ("tenant", "external_id"))


# Usernames are unique per tenant ignoring case: migration 0011 adds the unique index on
# (tenant_id, lower(username)), which the model cannot declare.
class User(TenantEntity):
    username = fields.CharField(max_length=64)
    display_name = fields.CharField(max_length=100)
    given_name = fields.CharField(max_length=100, null=True)
    family_name = fields.CharField(max_length=100, null=True)
    email = fields.CharField(max_length=254, null=True)
    """The primary one of `emails`."""
    phone = fields.CharField(max_length=32, null=True)
    """The primary one of `phones`."""
    emails: list[dict[str, Any]] | None = fields.JSONField(null=True)
    """Addresses as the portal sent them (SCIM `emails`: value, type, primary); None: `email`."""
    phones: list[dict[str, Any]] | None = fields.JSONField(null=True)
    """Numbers as the portal sent them (SCIM `phoneNumbers`); None: `phone`."""
    title = fields.CharField(max_length=100, null=True)
    external_subject = fields.CharField(max_length=255, null=True)
    """The `sub` of this person's tokens at the portal's OpenID Provider."""
    portal_roles: list[str] | None = fields.JSONField(null=True)
    """The portal's role names for this person (SCIM `roles` or the token's roles claim); the
    ones the role map names are held as role assignments."""
    deleted_at = fields.DatetimeField(null=True)
    """Deleted at the portal (SCIM DELETE): deprovisioned, gone from SCIM, kept for history."""
    status = fields.CharEnumField(UserStatus, max_length=16, default=UserStatus.ACTIVE)
    primary_org_unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "officecloud.OrgUnit", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=1)

    primary_org_unit_id: uuid.UUID | None

    class Meta:
        table = "app_user"
        unique_together = (("tenant", "username"), ("tenant", "external_subject"))


class Membership(TenantEntity):
    """A user belongs to one or more org units, one of them the primary one."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name="memberships", on_delete=fields.CASCADE
    )
    org_unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "officecloud.OrgUnit", related_name="memberships", on_delete=fields.RESTRICT
    )

    user_id: uuid.UUID
    org_unit_id: uuid.UUID

    class Meta:
        table = "membership"
        unique_together = (("user", "org_unit"),)


class Role(TenantEntity):
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    permissions: list[str] = fields.JSONField(default=list)
    data_scope = fields.CharEnumField(DataScope, max_length=24, default=DataScope.SELF)
    is_system = fields.BooleanField(default=False)
    """Provisioned with the tenant; its code and permissions cannot be changed or deleted."""
    version = fields.IntField(default=1)

    class Meta:
        table = "role"
        unique_together = (("tenant", "code"),)


class RoleAssignment(TenantEntity):
    """A role held by a user, anchored at an org unit (default: the user's own units)."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name="role_assignments", on_delete=fields.CASCADE
    )
    role: fields.ForeignKeyRelation[Role] = fields.ForeignKeyField(
        "officecloud.Role", related_name="assignments", on_delete=fields.CASCADE
    )
    org_unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "officecloud.OrgUnit", related_name=False, null=True, on_delete=fields.CASCADE
    )

    user_id: uuid.UUID
    role_id: uuid.UUID
    org_unit_id: uuid.UUID | None

    class Meta:
        table = "role_assignment"
        unique_together = (("user", "role", "org_unit"),)
