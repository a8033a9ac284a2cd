"""The tenants' SCIM bearer tokens: created by tenant admins, shown once, stored hashed."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from i18n import _
from models.access import Actor, Permission
from models.scope import TenantScope, across_tenants
from models.sso import ScimToken
from models.tenants import Tenant
from services.errors import Code, ServiceError, not_found, require
from services.inputs import Checks, parse_id
from services.tenants import secret_hash
from services.uow import transaction


async def create_scim_token(actor: Actor | None, *, name: str) -> tuple[ScimToken, str]:
    """A new SCIM bearer token; the secret is returned once and only its hash is kept."""
    actor = require(actor, Permission.TENANT_ADMIN)
    with Checks() as checks:
        name = checks.text(name, "name", max_length=100)
    async with transaction(actor) as work:
        token, secret = await _new_scim_token(actor, name)
        work.audit(actor.tenant_id, "scim_token.created", "ScimToken", token.id, {"name": name})
    return token, secret


async def rotate_scim_token(actor: Actor | None, *, id: uuid.UUID | str) -> tuple[ScimToken, str]:
    """Revoke a token and issue its successor under the same name, in one step."""
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        key = parse_id(id)
        old = (
            await scope.query(ScimToken).filter(id=key).select_for_update().get_or_none()
            if key
            else None
        )
        if old is None:
            raise not_found(_("SCIM token"), "id")
        if old.revoked_at is not None:
            raise ServiceError.of(Code.INVALID_STATE, _("The token is already revoked"), "id")
        old.revoked_at = work.now
        await old.save(update_fields=["revoked_at", "updated_at"])
        token, secret = await _new_scim_token(actor, old.name)
        work.audit(
            actor.tenant_id,
            "scim_token.rotated",
            "ScimToken",
            token.id,
            {"name": old.name, "replaces": str(old.id)},
        )
    return token, secret


async def revoke_scim_token(actor: Actor | None, *, id: uuid.UUID | str) -> ScimToken:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        token = await scope.get(ScimToken, id)
        if token is None:
            raise not_found(_("SCIM token"), "id")
        if token.revoked_at is None:
            token.revoked_at = work.now
            await token.save(update_fields=["revoked_at", "updated_at"])
            work.audit(
                actor.tenant_id, "scim_token.revoked", "ScimToken", token.id, {"name": token.name}
            )
    return token


async def _new_scim_token(actor: Actor, name: str) -> tuple[ScimToken, str]:
    secret = "ocscim_" + secrets.token_urlsafe(32)
    token = await TenantScope(actor.tenant_id).create(
        ScimToken,
        name=name,
        token_hash=secret_hash(secret),
        prefix=secret[:14],
        created_by_id=actor.user_id,
    )
    return token, secret


async def scim_tenant(secret: str) -> Tenant | None:
    """The active tenant a SCIM bearer token belongs to (None for unknown or revoked ones)."""
    token = await across_tenants(ScimToken).get_or_none(
        token_hash=secret_hash(secret), revoked_at=None
    )
    if token is None:
        return None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        await (
            TenantScope(token.tenant_id)
            .query(ScimToken)
            .filter(id=token.id)
            .update(last_used_at=now)
        )
    return await Tenant.get_or_none(id=token.tenant_id)
