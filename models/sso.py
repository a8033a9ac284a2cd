"""Portal integration (门户): SSO sessions, access rules, SCIM tokens and access statistics."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.base import TenantEntity
from models.directory import OrgUnit

if TYPE_CHECKING:
    from models.directory import User


class AccessSubject(StrEnum):
    USER = "user"
    ORG_UNIT = "org_unit"
    """The unit and every unit below it."""
    ROLE = "role"


class AccessEventKind(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"


class PortalSession(TenantEntity):
    """A browser session opened by SSO sign-in, kept server-side so it can be revoked."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    csrf_token = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=255)
    sid = fields.CharField(max_length=255, null=True, db_index=True)
    """The OpenID Provider's session id (`sid`), named by back-channel logout tokens."""
    id_token = fields.TextField(null=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=64, null=True)

    user_id: uuid.UUID

    class Meta:
        table = "portal_session"


class PendingLogin(Model):
    """An authorization request on its way to the portal: state, PKCE verifier and nonce."""

    state = fields.CharField(max_length=64, primary_key=True)
    code_verifier = fields.CharField(max_length=128)
    nonce = fields.CharField(max_length=64)
    return_to = fields.CharField(max_length=2000, default="/")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "portal_pending_login"


class UsedTokenId(Model):
    """A `jti` already accepted (logout tokens), kept until the token could no longer be used."""

    key = fields.CharField(max_length=400, primary_key=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "portal_used_jti"


class UserRevocation(TenantEntity):
    """Tokens of this user issued at or before `not_before` are refused (back-channel logout)."""

    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    not_before = fields.DatetimeField()

    user_id: uuid.UUID

    class Meta:
        table = "portal_user_revocation"


class AccessRule(TenantEntity):
    """Who may use Officecloud (门户访问授权): a user, an org unit and below, or a role."""

    subject_type = fields.CharEnumField(AccessSubject, max_length=16)
    subject_id = fields.UUIDField()
    components: list[str] = fields.JSONField(default=list)
    """Service component keys this rule opens, or every component when empty."""
    note = fields.CharField(max_length=200, default="")
    version = fields.IntField(default=1)

    class Meta:
        table = "portal_access_rule"
        unique_together = (("tenant", "subject_type", "subject_id"),)


class ScimToken(TenantEntity):
    """A bearer token of the portal's SCIM client, stored as its SHA-256 only."""

    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16)
    created_by_id = fields.UUIDField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "portal_scim_token"


class AccessEvent(TenantEntity):
    """A sign-in, a failed sign-in (with the reason) or a sign-out."""

    kind = fields.CharEnumField(AccessEventKind, max_length=16)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    subject = fields.CharField(max_length=255, null=True)
    method = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=300, null=True)
    client_id = fields.CharField(max_length=255, null=True)
    token_ref = fields.CharField(max_length=64, null=True, unique=True)
    """Hash of the token that signed in, so one bearer token counts as one sign-in."""
    ip = fields.CharField(max_length=64, null=True)

    user_id: uuid.UUID | None

    class Meta:
        table = "portal_access_event"
        indexes = (("tenant_id", "created_at"),)


class ComponentUsage(TenantEntity):
    """How often a user used a service component on one day (upserted, one row a day)."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    component = fields.CharField(max_length=64)
    day = fields.DateField()
    count = fields.IntField(default=0)
    first_at = fields.DatetimeField()
    last_at = fields.DatetimeField()

    user_id: uuid.UUID

    class Meta:
        table = "portal_component_usage"
        unique_together = (("user", "component", "day"),)
        indexes = (("tenant_id", "day"),)


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """A tenant's access rules as a value. No rules: everyone in the tenant may use everything."""

    rules: tuple[tuple[AccessSubject, uuid.UUID, frozenset[str]], ...] = ()
    unit_paths: dict[uuid.UUID, str] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return not self.rules

    def components_for(
        self, *, user_id: uuid.UUID | None, unit_paths: Iterable[str], role_ids: Iterable[uuid.UUID]
    ) -> frozenset[str] | None:
        """The components a person may use: None for all of them, empty for none."""
        if self.open:
            return None
        paths, roles = tuple(unit_paths), set(role_ids)
        granted: set[str] = set()
        for kind, subject, components in self.rules:
            if kind is AccessSubject.USER:
                hit = subject == user_id
            elif kind is AccessSubject.ROLE:
                hit = subject in roles
            else:
                anchor = self.unit_paths.get(subject)
                hit = anchor is not None and any(p.startswith(anchor) for p in paths)
            if hit:
                if not components:
                    return None
                granted |= components
        return frozenset(granted)


async def load_policy(tenant_id: uuid.UUID) -> AccessPolicy:
    rows = await AccessRule.filter(tenant_id=tenant_id).values_list(
        "subject_type", "subject_id", "components"
    )
    if not rows:
        return AccessPolicy()
    unit_ids = [subject for kind, subject, _ in rows if kind == AccessSubject.ORG_UNIT]
    paths: dict[uuid.UUID, str] = {}
    if unit_ids:
        paths = dict(
            await OrgUnit.filter(tenant_id=tenant_id, id__in=unit_ids).values_list("id", "path")
        )
    return AccessPolicy(
        tuple(
            (AccessSubject(kind), subject, frozenset(comps or ())) for kind, subject, comps in rows
        ),
        paths,
    )
