"""From verified claims to the signed-in user, its tenant and its grants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auth.errors import AuthError
from models.access import Actor, DataScope, Grant
from models.directory import Membership, OrgUnit, RoleAssignment, User, UserStatus
from models.scope import TenantScope
from models.tenants import Tenant, TenantKind, TenantStatus


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    user: User
    tenant: Tenant
    claims: dict[str, Any]

    @property
    def expires_at(self) -> int | None:
        exp = self.claims.get("exp")
        return int(exp) if exp is not None else None


async def load_viewer(claims: dict[str, Any], *, dev: bool, tenant_claim: str) -> Viewer:
    tenant_code = claims.get(tenant_claim if not dev else "tenant")
    if not isinstance(tenant_code, str) or not tenant_code:
        raise AuthError(f"Token has no '{tenant_claim}' claim naming the tenant")
    tenant = await Tenant.get_or_none(code=tenant_code)
    if tenant is None:
        raise AuthError.forbidden(f"Unknown tenant '{tenant_code}'")
    if tenant.status != TenantStatus.ACTIVE:
        raise AuthError.forbidden(f"Tenant '{tenant_code}' is {tenant.status.value}, not active")
    scope = TenantScope(tenant.id)
    subject = str(claims["sub"])
    if dev:
        user = await scope.get(User, subject)
    else:
        user = await scope.query(User).get_or_none(external_subject=subject)
    if user is None:
        raise AuthError.forbidden("No user of this tenant has this token's subject")
    if user.status != UserStatus.ACTIVE:
        raise AuthError.forbidden(f"User '{user.username}' is {user.status.value}")
    return Viewer(await actor_for(scope, user, tenant), user, tenant, claims)


async def actor_for(scope: TenantScope, user: User, tenant: Tenant) -> Actor:
    assignments = await scope.query(RoleAssignment).filter(user_id=user.id).select_related("role")
    anchors = {a.org_unit_id for a in assignments if a.org_unit_id}
    paths = (
        dict(await scope.query(OrgUnit).filter(id__in=anchors).values_list("id", "path"))
        if anchors
        else {}
    )
    own = tuple(
        await scope.query(Membership)
        .filter(user_id=user.id)
        .values_list("org_unit__path", flat=True)
    )
    grants = tuple(
        Grant(
            frozenset(a.role.permissions),
            DataScope(a.role.data_scope),
            (paths[a.org_unit_id],) if a.org_unit_id else tuple(str(p) for p in own),
        )
        for a in assignments
    )
    return Actor(
        tenant_id=tenant.id,
        user_id=user.id,
        tenant_path=tenant.path,
        name=user.display_name,
        is_platform=tenant.kind == TenantKind.PLATFORM,
        grants=grants,
    )
