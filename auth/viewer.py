"""From verified claims (or a session) to the signed-in user, its tenant, grants and access."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from auth.errors import AuthError
from i18n import _
from models.access import Actor, DataScope, Grant, Permission
from models.directory import Membership, OrgUnit, RoleAssignment, User, UserStatus
from models.scope import TenantScope
from models.sso import UserRevocation, load_policy
from models.tenants import Tenant, TenantKind, TenantStatus


class PortalDirectory(Protocol):
    """What sign-in claims do to the directory (sync/provisioning.py)."""

    async def provision(self, tenant: Tenant, claims: dict[str, Any]) -> User | str | None:
        """The user of a first-seen subject (linked or created); a string is why not."""

    async def refresh(self, tenant: Tenant, user: User, claims: dict[str, Any]) -> User:
        """The user with what the claims say about them applied (name, e-mail, roles)."""


@dataclass(frozen=True, slots=True)
class ComponentAccess:
    """Which service components (服务组件) the viewer may use; None means all of them."""

    components: frozenset[str] | None = None

    def allows(self, component: str) -> bool:
        return self.components is None or component in self.components


EVERYTHING = ComponentAccess()


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    user: User
    tenant: Tenant
    claims: dict[str, Any]
    access: ComponentAccess = EVERYTHING
    session_id: uuid.UUID | None = None
    """Set when the viewer signed in through a browser session (cookie)."""

    @property
    def expires_at(self) -> int | None:
        exp = self.claims.get("exp")
        return int(exp) if exp is not None else None


async def find_tenant(claims: dict[str, Any], *, dev: bool, tenant_claim: str) -> Tenant:
    tenant_code = claims.get(tenant_claim if not dev else "tenant")
    if not isinstance(tenant_code, str) or not tenant_code:
        raise AuthError(
            _("Token has no '{tenant_claim}' claim naming the tenant", tenant_claim=tenant_claim)
        )
    tenant = await Tenant.get_or_none(code=tenant_code)
    if tenant is None:
        raise AuthError.forbidden(f"Unknown tenant '{tenant_code}'")
    if tenant.status != TenantStatus.ACTIVE:
        error = AuthError.forbidden(
            f"Tenant '{tenant_code}' is {tenant.status.value}, not active: sign-in is refused"
        )
        error.tenant = tenant
        raise error
    return tenant


async def load_viewer(
    claims: dict[str, Any],
    *,
    dev: bool,
    tenant_claim: str,
    directory: PortalDirectory | None = None,
) -> Viewer:
    tenant = await find_tenant(claims, dev=dev, tenant_claim=tenant_claim)
    try:
        scope = TenantScope(tenant.id)
        subject = str(claims["sub"])
        if dev:
            user = await scope.get(User, subject)
        else:
            user = await scope.query(User).get_or_none(external_subject=subject)
        if directory is not None and not dev:
            found = (
                await directory.provision(tenant, claims)
                if user is None
                else await directory.refresh(tenant, user, claims)
            )
            if isinstance(found, str):
                raise AuthError.forbidden(found)
            user = found
        if user is None:
            raise AuthError.forbidden("No user of this tenant has this token's subject")
        return await viewer_for(tenant, user, claims)
    except AuthError as exc:
        exc.tenant = tenant
        raise


async def viewer_for(
    tenant: Tenant, user: User, claims: dict[str, Any], *, session_id: uuid.UUID | None = None
) -> Viewer:
    if user.status != UserStatus.ACTIVE:
        raise AuthError.forbidden(f"User '{user.username}' is {user.status.value}")
    scope = TenantScope(tenant.id)
    if session_id is None and "iat" in claims:
        revoked = await scope.query(UserRevocation).filter(user_id=user.id).first()
        # `iat` has whole seconds: a token of the logout's own second may predate it, so it goes.
        if revoked is not None and float(claims["iat"]) <= revoked.not_before.timestamp():
            raise AuthError(
                _(
                    "Token was issued before (or in the same second as) the user signed out at the "
                    "portal; sign in again"
                )
            )
    actor, unit_paths, role_ids = await _grants(scope, user, tenant)
    access = EVERYTHING
    if not actor.has(Permission.TENANT_ADMIN):
        policy = await load_policy(tenant.id)
        components = policy.components_for(
            user_id=user.id, unit_paths=unit_paths, role_ids=role_ids
        )
        if components is not None and not components:
            raise AuthError.forbidden(
                f"User '{user.username}' may not use Officecloud: the tenant's portal access "
                "rules (门户访问授权) grant them no service component"
            )
        access = ComponentAccess(components)
    return Viewer(actor, user, tenant, claims, access, session_id)


async def actor_for(scope: TenantScope, user: User, tenant: Tenant) -> Actor:
    actor, _, _ = await _grants(scope, user, tenant)
    return actor


async def _grants(
    scope: TenantScope, user: User, tenant: Tenant
) -> tuple[Actor, tuple[str, ...], set[uuid.UUID]]:
    assignments = await scope.query(RoleAssignment).filter(user_id=user.id).select_related("role")
    anchors = {a.org_unit_id for a in assignments if a.org_unit_id}
    paths = (
        dict(await scope.query(OrgUnit).filter(id__in=anchors).values_list("id", "path"))
        if anchors
        else {}
    )
    own = tuple(
        str(p)
        for p in await scope.query(Membership)
        .filter(user_id=user.id)
        .values_list("org_unit__path", flat=True)
    )
    grants = tuple(
        Grant(
            frozenset(a.role.permissions),
            DataScope(a.role.data_scope),
            (paths[a.org_unit_id],) if a.org_unit_id else own,
        )
        for a in assignments
    )
    actor = Actor(
        tenant_id=tenant.id,
        user_id=user.id,
        tenant_path=tenant.path,
        name=user.display_name,
        is_platform=tenant.kind == TenantKind.PLATFORM,
        grants=grants,
    )
    return actor, own, {a.role_id for a in assignments}


def session_expiry(expires_at: datetime) -> dict[str, Any]:
    return {"exp": int(expires_at.timestamp())}
