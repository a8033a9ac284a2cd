"""Users from sign-in claims: the first valid token of an unknown subject links to the local
user it names (`oidc_link_by`) or creates one, and every sign-in and first use of a token
brings the person's name, e-mail and portal roles up to date.

The tenant comes from the token (`oidc_tenant_claim`, checked active by `auth`), roles from
`oidc_roles_claim` through `oidc_role_map` (a new user also gets `oidc_default_role`), the org
unit of a new user from `oidc_org_unit_claim` (an org unit's external id or code) or else the
tenant's root unit. The tenant's portal access rules are applied to the user-to-be first: a
refused person creates nothing. Writes go through services/directory/ with the tenant's system
actor, so every change (a demotion included) is audited.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
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
LINK_BY = ("preferred_username", "email", "")


class Provisioner:
    def __init__(
        self,
        *,
        roles_claim: str = "roles",
        role_map: dict[str, str] | None = None,
        default_role: str = "member",
        org_unit_claim: str = "org_unit",
        create: bool = True,
        link_by: str = "preferred_username",
        roles_from_tokens: bool = True,
        remember: int = 50_000,
    ) -> None:
        if link_by not in LINK_BY:
            raise ValueError(f"oidc_link_by is one of {LINK_BY}, not {link_by!r}")
        self.roles_claim = roles_claim
        self.role_map = dict(role_map or {})
        self.default_role = default_role
        self.org_unit_claim = org_unit_claim
        self.create = create
        self.link_by = link_by
        self.roles_from_tokens = roles_from_tokens
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    async def provision(self, tenant: Tenant, claims: dict[str, Any]) -> User | str | None:
        """The user of a subject seen for the first time: a linked local user, a new one, a
        reason it may not be created, or None when creating is off."""
        scope = TenantScope(tenant.id)
        linked = await self._link(scope, tenant, claims)
        if linked is not None:
            return await self.refresh(tenant, linked, claims)
        if not self.create:
            return None
        return await self._create(scope, tenant, claims)

    async def refresh(self, tenant: Tenant, user: User, claims: dict[str, Any]) -> User:
        """At a sign-in or a token's first use: name and e-mail from the claims that carry
        them, and the portal roles from the roles claim (a missing claim means none), so a
        role the portal takes away is taken away here at once."""
        if not self._first_use(claims):
            return user
        actor = tenant_system_actor(tenant, "portal sign-in")
        profile = _profile(user, claims)
        if profile:
            try:
                user = await directory.update_user(actor, id=user.id, **profile)
            except ServiceError as exc:
                log.warning("claims of %s not applied: %s", user.username, exc)
        if self.roles_from_tokens:
            await directory.set_portal_roles(
                actor, user_id=user.id, names=self._role_names(claims), role_map=self.role_map
            )
        return user

    async def _link(
        self, scope: TenantScope, tenant: Tenant, claims: dict[str, Any]
    ) -> User | None:
        """The one local user, never linked to a subject yet, that the link claim names."""
        if self.link_by == "preferred_username":
            name = claims.get("preferred_username")
            match = Q(username__iexact=name) if isinstance(name, str) and name else None
        elif self.link_by == "email" and claims.get("email_verified") is True:
            email = _email(claims.get("email"))
            match = Q(email__iexact=email) if email else None
        else:
            match = None
        if match is None:
            return None
        found = await scope.query(User).filter(match, external_subject=None, deleted_at=None)
        if len(found) != 1:
            return None
        actor = tenant_system_actor(tenant, "portal sign-in")
        subject = str(claims["sub"])
        try:
            user = await directory.update_user(actor, id=found[0].id, external_subject=subject)
        except ServiceError:  # another process linked the subject first
            return await scope.query(User).get_or_none(external_subject=subject)
        log.info("linked %s to %s in %s by %s", subject, user.username, tenant.code, self.link_by)
        return user

    async def _create(
        self, scope: TenantScope, tenant: Tenant, claims: dict[str, Any]
    ) -> User | str:
        subject = str(claims["sub"])
        unit = await self._org_unit(scope, claims)
        if unit is None:
            return f"Tenant '{tenant.code}' has no org unit to place new users in"
        mapped = {self.role_map[n] for n in self._role_names(claims) if n in self.role_map}
        codes = mapped | ({self.default_role} if self.default_role else set())
        roles = list(await scope.query(Role).filter(code__in=codes).order_by("code"))
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
                given_name=_text(claims.get("given_name"), 100),
                family_name=_text(claims.get("family_name"), 100),
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
            if role.code not in mapped:
                await directory.assign_role(actor, user_id=user.id, role_id=role.id)
        await directory.set_portal_roles(
            actor, user_id=user.id, names=self._role_names(claims), role_map=self.role_map
        )
        self._first_use(claims)
        log.info("provisioned %s in %s with roles %s", subject, tenant.code, sorted(codes))
        return user

    def _first_use(self, claims: dict[str, Any]) -> bool:
        """Whether these claims (a token, or a sign-in's ID token) are new to this process."""
        key = f"{claims.get('iss')}|{claims.get('jti') or (claims.get('sub'), claims.get('iat'))}"
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return True

    def _role_names(self, claims: dict[str, Any]) -> list[str]:
        raw = claims.get(self.roles_claim) or []
        return [raw] if isinstance(raw, str) else [str(r) for r in raw if isinstance(r, str)]

    async def _org_unit(self, scope: TenantScope, claims: dict[str, Any]) -> OrgUnit | None:
        units = scope.query(OrgUnit).filter(archived_at=None)
        wanted = claims.get(self.org_unit_claim)
        if isinstance(wanted, str) and wanted:
            unit = await units.filter(Q(external_id=wanted) | Q(code=wanted)).first()
            if unit is not None:
                return unit
        return await units.filter(parent_id=None).order_by("created_at").first()

    async def _username(self, scope: TenantScope, claims: dict[str, Any], subject: str) -> str:
        for candidate in (claims.get("preferred_username"), claims.get("email"), subject):
            if isinstance(candidate, str):
                cleaned = _NOT_USERNAME.sub("-", candidate).strip("-._@")[:64]
                if cleaned:
                    break
        else:
            cleaned = "user"
        if not await scope.query(User).filter(username__iexact=cleaned).exists():
            return cleaned
        suffix = hashlib.sha256(subject.encode()).hexdigest()[:8]
        return f"{cleaned[:55]}-{suffix}"


def _profile(user: User, claims: dict[str, Any]) -> dict[str, Any]:
    """The fields the claims carry and that differ from the user's."""
    found = {
        "display_name": _text(claims.get("name"), 100),
        "given_name": _text(claims.get("given_name"), 100),
        "family_name": _text(claims.get("family_name"), 100),
        "email": _email(claims.get("email")),
    }
    return {k: v for k, v in found.items() if v is not None and getattr(user, k) != v}


def _text(value: Any, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def _email(value: Any) -> str | None:
    if isinstance(value, str) and "@" in value and len(value) <= 254 and " " not in value:
        return value
    return None
