"""Just-in-time provisioning: the first valid token of an unknown subject creates the user.

The tenant comes from the token (`oidc_tenant_claim`, checked active by `auth`), roles from
`oidc_roles_claim` through `oidc_role_map` (plus `oidc_default_role`), the org unit from
`oidc_org_unit_claim` (an org unit's external id or code) or else the tenant's root unit. The
tenant's portal access rules are applied to the user-to-be first: a refused person creates
nothing. Writes go through services/directory/ with the tenant's system actor (audited).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q

from models.access import Permission
from models.directory import OrgUnit, Role, User
from models.scope import TenantScope
from models.sso import load_policy
from models.tenants import Tenant
from services import directory
from services.errors import Code, ServiceError
from services.tenants import tenant_system_actor

log = logging.getLogger(__name__)
_NOT_USERNAME = re.compile(r"[^A-Za-z0-9._@-]+")


@dataclass(frozen=True)
class Provisioner:
    roles_claim: str = "roles"
    role_map: dict[str, str] = field(default_factory=dict)
    default_role: str = "member"
    org_unit_claim: str = "org_unit"

    async def __call__(self, tenant: Tenant, claims: dict[str, Any]) -> User | str:
        scope = TenantScope(tenant.id)
        subject = str(claims["sub"])
        unit = await self._org_unit(scope, claims)
        if unit is None:
            return f"Tenant '{tenant.code}' has no org unit to place new users in"
        roles = await self._roles(scope, claims)
        policy = await load_policy(tenant.id)
        admin = any(Permission.TENANT_ADMIN.value in r.permissions for r in roles)
        components = policy.components_for(
            user_id=None, unit_paths=(unit.path,), role_ids=(r.id for r in roles)
        )
        if not admin and components is not None and not components:
            return (
                f"Subject '{subject}' may not use Officecloud: the tenant's portal access rules "
                "(门户访问授权) grant their org unit and roles no service component"
            )
        actor = tenant_system_actor(tenant, "portal sign-in")
        try:
            user = await directory.create_user(
                actor,
                username=await self._username(scope, claims, subject),
                display_name=_text(claims.get("name"), 100) or _text(subject, 100) or subject,
                org_unit_ids=[unit.id],
                email=_email(claims.get("email")),
                external_subject=subject,
            )
        except ServiceError as exc:
            if any(p.code == Code.DUPLICATE for p in exc.problems):
                existing = await scope.query(User).get_or_none(external_subject=subject)
                if existing is not None:
                    return existing
            return f"The user could not be created: {exc}"
        for role in roles:
            await directory.assign_role(actor, user_id=user.id, role_id=role.id)
        log.info(
            "provisioned %s in %s with roles %s", subject, tenant.code, [r.code for r in roles]
        )
        return user

    async def _org_unit(self, scope: TenantScope, claims: dict[str, Any]) -> OrgUnit | None:
        wanted = claims.get(self.org_unit_claim)
        if isinstance(wanted, str) and wanted:
            unit = await scope.query(OrgUnit).filter(Q(external_id=wanted) | Q(code=wanted)).first()
            if unit is not None:
                return unit
        return await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()

    async def _roles(self, scope: TenantScope, claims: dict[str, Any]) -> list[Role]:
        raw = claims.get(self.roles_claim) or []
        names = [raw] if isinstance(raw, str) else [str(r) for r in raw if isinstance(r, str)]
        codes = {self.role_map[n] for n in names if n in self.role_map}
        if self.default_role:
            codes.add(self.default_role)
        return list(await scope.query(Role).filter(code__in=codes).order_by("code"))

    async def _username(self, scope: TenantScope, claims: dict[str, Any], subject: str) -> str:
        for candidate in (claims.get("preferred_username"), claims.get("email"), subject):
            if isinstance(candidate, str):
                cleaned = _NOT_USERNAME.sub("-", candidate).strip("-._@")[:64]
                if cleaned:
                    break
        else:
            cleaned = "user"
        if not await scope.query(User).filter(username=cleaned).exists():
            return cleaned
        suffix = hashlib.sha256(subject.encode()).hexdigest()[:8]
        return f"{cleaned[:55]}-{suffix}"


def _text(value: Any, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def _email(value: Any) -> str | None:
    if isinstance(value, str) and "@" in value and len(value) <= 254 and " " not in value:
        return value
    return None
