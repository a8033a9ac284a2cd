"""Portal integration (门户): browser sessions and their revocation, portal access rules
(门户访问授权), SCIM tokens, and the access log (sign-ins and use of service components)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from models.access import Actor, DataScope, Grant, Permission
from models.base import new_id
from models.directory import OrgUnit, Role, User
from models.portal import (
    AccessEvent,
    AccessEventKind,
    AccessRule,
    AccessSubject,
    PendingLogin,
    PortalSession,
    ScimToken,
    UsedTokenId,
    UserRevocation,
)
from models.scope import TenantScope
from models.tenants import Tenant
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.uow import transaction

log = logging.getLogger(__name__)
SYSTEM_USER_ID = uuid.UUID(int=0)
COMPONENT_KEY_MAX = 64


def tenant_system_actor(tenant: Tenant, name: str = "portal") -> Actor:
    """The actor of the portal's automated changes in one tenant (sign-in provisioning, SCIM)."""
    return Actor(
        tenant_id=tenant.id,
        user_id=SYSTEM_USER_ID,
        tenant_path=tenant.path,
        name=name,
        grants=(
            Grant(
                frozenset({Permission.TENANT_ADMIN.value, Permission.DIRECTORY_MANAGE.value}),
                DataScope.TENANT,
            ),
        ),
    )


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# Browser sign-in -------------------------------------------------------------------------------


async def begin_login(return_to: str, ttl_seconds: int = 600) -> PendingLogin:
    """State, PKCE verifier and nonce of one authorization request (expired ones are purged)."""
    now = datetime.now(UTC)
    await PendingLogin.filter(expires_at__lt=now).delete()
    return await PendingLogin.create(
        state=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        nonce=secrets.token_urlsafe(32),
        return_to=return_to,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )


async def finish_login(state: str) -> PendingLogin | None:
    """The pending login for `state`, consumed: a state is good for one callback only."""
    login = await PendingLogin.get_or_none(state=state)
    if login is None:
        return None
    deleted = await PendingLogin.filter(state=state).delete()
    if not deleted or login.expires_at <= datetime.now(UTC):
        return None
    return login


@dataclass(frozen=True)
class OpenedSession:
    session: PortalSession
    cookie: str
    csrf_token: str


async def open_session(
    tenant: Tenant,
    user: User,
    *,
    subject: str,
    sid: str | None,
    id_token: str | None,
    ttl_seconds: int,
    ip: str | None,
) -> OpenedSession:
    """A server-side session (only the cookie's hash is stored) and its sign-in event."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    async with transaction(tenant_system_actor(tenant)) as work:
        session = await TenantScope(tenant.id).create(
            PortalSession,
            user_id=user.id,
            token_hash=_hash(cookie),
            csrf_token=csrf,
            subject=subject,
            sid=sid,
            id_token=id_token,
            expires_at=work.now + timedelta(seconds=ttl_seconds),
        )
        await TenantScope(tenant.id).create(
            AccessEvent,
            kind=AccessEventKind.SIGN_IN,
            user_id=user.id,
            subject=subject,
            method="session",
            ip=ip,
        )
        work.audit(tenant.id, "session.opened", "User", user.id, {"sessionId": str(session.id)})
    return OpenedSession(session, cookie, csrf)


async def end_session(session_id: uuid.UUID, reason: str) -> PortalSession | None:
    """Revoke one session (RP-initiated logout); None if it was already gone."""
    session = await PortalSession.get_or_none(id=session_id)
    if session is None or session.revoked_at is not None:
        return None
    tenant = await Tenant.get(id=session.tenant_id)
    async with transaction(tenant_system_actor(tenant)) as work:
        updated = await PortalSession.filter(id=session_id, revoked_at=None).update(
            revoked_at=work.now, revoked_reason=reason
        )
        if updated:
            await TenantScope(tenant.id).create(
                AccessEvent,
                kind=AccessEventKind.SIGN_OUT,
                user_id=session.user_id,
                subject=session.subject,
                method="session",
                reason=reason,
            )
            work.audit(tenant.id, "session.revoked", "User", session.user_id, {"reason": reason})
    return session


class ReplayedToken(Exception):
    """The token's `jti` was accepted before."""


async def logout_from_portal(
    *, issuer: str, subject: str | None, sid: str | None, jti: str, iat: float, keep_until: float
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Back-channel logout: end the sessions named by `sid` (and/or every session of `sub`), and
    refuse the subject's access tokens issued before the logout. Returns (tenant, user) pairs
    whose websockets the caller closes. Raises ReplayedToken for a `jti` seen before."""
    now = datetime.now(UTC)
    await UsedTokenId.filter(expires_at__lt=now).delete()
    try:
        await UsedTokenId.create(
            key=f"{issuer}|{jti}"[:400], expires_at=datetime.fromtimestamp(keep_until, UTC)
        )
    except IntegrityError as exc:
        raise ReplayedToken(jti) from exc
    sessions = PortalSession.filter(revoked_at=None)
    if sid:
        sessions = sessions.filter(sid=sid)
    if subject:
        sessions = sessions.filter(subject=subject)
    found = await sessions.values_list("id", "tenant_id", "user_id")
    users = {(tenant_id, user_id) for _, tenant_id, user_id in found}
    if subject:
        users |= {
            (tenant_id, user_id)
            for user_id, tenant_id in await User.filter(external_subject=subject).values_list(
                "id", "tenant_id"
            )
        }
    logged_out = datetime.fromtimestamp(iat, UTC)
    for tenant_id in sorted({t for t, _ in users}):
        tenant = await Tenant.get(id=tenant_id)
        async with transaction(tenant_system_actor(tenant)) as work:
            mine = [s for s, t, _ in found if t == tenant_id]
            if mine:
                await PortalSession.filter(id__in=mine, revoked_at=None).update(
                    revoked_at=now, revoked_reason="backchannel_logout"
                )
            for t, user_id in sorted(users):
                if t != tenant_id:
                    continue
                if subject:
                    await _revoke_tokens_before(tenant_id, user_id, logged_out)
                await TenantScope(tenant_id).create(
                    AccessEvent,
                    kind=AccessEventKind.SIGN_OUT,
                    user_id=user_id,
                    subject=subject,
                    method="backchannel",
                    reason="signed out at the portal",
                )
                work.audit(
                    tenant_id,
                    "session.revoked",
                    "User",
                    user_id,
                    {"reason": "backchannel_logout", "sid": sid, "sessions": len(mine)},
                )
    return users


async def _revoke_tokens_before(tenant_id: uuid.UUID, user_id: uuid.UUID, when: datetime) -> None:
    row = await UserRevocation.filter(user_id=user_id).select_for_update().first()
    if row is None:
        await TenantScope(tenant_id).create(UserRevocation, user_id=user_id, not_before=when)
    elif row.not_before < when:
        row.not_before = when
        await row.save(update_fields=["not_before", "updated_at"])


# Access log ------------------------------------------------------------------------------------


async def record_sign_in(
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    subject: str | None,
    method: str,
    client_id: str | None,
    token: str | None,
    ip: str | None,
) -> bool:
    """One sign-in per access token (the first request that presents it)."""
    try:
        await TenantScope(tenant_id).create(
            AccessEvent,
            kind=AccessEventKind.SIGN_IN,
            user_id=user_id,
            subject=subject,
            method=method,
            client_id=client_id,
            token_ref=_hash(token) if token else None,
            ip=ip,
        )
    except IntegrityError:
        return False
    return True


async def record_failed_sign_in(
    tenant_id: uuid.UUID,
    *,
    subject: str | None,
    method: str,
    reason: str,
    client_id: str | None,
    ip: str | None,
) -> None:
    await TenantScope(tenant_id).create(
        AccessEvent,
        kind=AccessEventKind.SIGN_IN_FAILED,
        subject=subject[:255] if subject else None,
        method=method,
        reason=reason[:300],
        client_id=client_id[:255] if client_id else None,
        ip=ip,
    )


class UsageRecorder:
    """Counts use of service components in memory and upserts one row per user, component and
    day every few seconds (and on shutdown), so a busy API does not write on every request."""

    def __init__(self) -> None:
        self._pending: dict[tuple[uuid.UUID, uuid.UUID, str, date], list[Any]] = {}
        self._lock = asyncio.Lock()

    def add(self, tenant_id: uuid.UUID, user_id: uuid.UUID, component: str) -> None:
        now = datetime.now(UTC)
        key = (tenant_id, user_id, component[:COMPONENT_KEY_MAX], now.date())
        entry = self._pending.get(key)
        if entry is None:
            self._pending[key] = [1, now, now]
        else:
            entry[0] += 1
            entry[2] = now

    async def flush(self) -> int:
        async with self._lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return 0
            connection = connections.get("default")
            postgres = connection.capabilities.dialect == "postgres"
            greatest = "GREATEST" if postgres else "MAX"
            marks = ", ".join(f"${i}" for i in range(1, 11)) if postgres else ", ".join("?" * 10)
            sql = (
                "INSERT INTO portal_component_usage (id, tenant_id, user_id, component, day, "  # noqa: S608
                f"count, first_at, last_at, created_at, updated_at) VALUES ({marks}) "
                "ON CONFLICT (user_id, component, day) DO UPDATE SET "
                "count = portal_component_usage.count + excluded.count, "
                f"last_at = {greatest}(portal_component_usage.last_at, excluded.last_at), "
                "updated_at = excluded.updated_at"
            )
            now = datetime.now(UTC)
            rows = [
                [
                    _param(new_id(), postgres),
                    _param(tenant_id, postgres),
                    _param(user_id, postgres),
                    component,
                    day if postgres else day.isoformat(),
                    count,
                    _param(first, postgres),
                    _param(last, postgres),
                    _param(now, postgres),
                    _param(now, postgres),
                ]
                for (tenant_id, user_id, component, day), (count, first, last) in sorted(
                    pending.items(), key=lambda item: (str(item[0][1]), item[0][2])
                )
            ]
            await connection.execute_many(sql, rows)
            return len(rows)

    async def flush_forever(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.flush()
            except Exception:
                log.exception("writing component usage failed")


usage = UsageRecorder()
"""Component use seen by this process; the server flushes it every few seconds."""


def _param(value: Any, postgres: bool) -> Any:
    if postgres:
        return value
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return str(value)


# Access rules (门户访问授权) ---------------------------------------------------------------------


def _components(checks: Checks, components: Iterable[str]) -> list[str]:
    cleaned = sorted({c.strip() for c in components if c and c.strip()})
    for key in cleaned:
        if len(key) > COMPONENT_KEY_MAX or not key.replace("-", "").replace("_", "").isalnum():
            checks.fail(
                Code.INVALID,
                f"'{key}' is not a service component key (letters, digits, '-', '_')",
                "components",
            )
    return cleaned


async def _subject_exists(scope: TenantScope, kind: AccessSubject, subject_id: Any) -> uuid.UUID:
    model: type[Any] = {
        AccessSubject.USER: User,
        AccessSubject.ORG_UNIT: OrgUnit,
        AccessSubject.ROLE: Role,
    }[kind]
    row = await scope.get(model, subject_id)
    if row is None:
        raise not_found(model.__name__, "subjectId")
    return uuid.UUID(str(row.id))


async def create_access_rule(
    actor: Actor | None,
    *,
    subject_type: AccessSubject,
    subject_id: uuid.UUID | str,
    components: list[str],
    note: str = "",
) -> AccessRule:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        cleaned = _components(checks, components)
        note = (note or "").strip()[:200]
    async with transaction(actor) as work:
        key = await _subject_exists(scope, subject_type, subject_id)
        if await scope.query(AccessRule).filter(subject_type=subject_type, subject_id=key).exists():
            raise ServiceError.of(
                Code.DUPLICATE, "This subject already has an access rule; change it", "subjectId"
            )
        rule = await scope.create(
            AccessRule, subject_type=subject_type, subject_id=key, components=cleaned, note=note
        )
        work.audit(
            actor.tenant_id,
            "access_rule.created",
            "AccessRule",
            rule.id,
            {"subject": f"{subject_type.value}:{key}", "components": cleaned},
        )
    return rule


async def update_access_rule(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    components: Any = KEEP,
    note: Any = KEEP,
    expected_version: int | None = None,
) -> AccessRule:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if components is not KEEP:
            components = _components(checks, components or [])
        if note is not KEEP:
            note = (note or "").strip()[:200]
    async with transaction(actor) as work:
        key = parse_id(id)
        rule = (
            await scope.query(AccessRule).filter(id=key).select_for_update().get_or_none()
            if key
            else None
        )
        if rule is None:
            raise not_found("Access rule", "id")
        check_version(rule.version, expected_version)
        changes = apply_changes(rule, components=components, note=note)
        if changes:
            rule.version += 1
            await rule.save()
            work.audit(actor.tenant_id, "access_rule.updated", "AccessRule", rule.id, changes)
    return rule


async def delete_access_rule(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        rule = await scope.get(AccessRule, id)
        if rule is None:
            raise not_found("Access rule", "id")
        await rule.delete()
        work.audit(
            actor.tenant_id,
            "access_rule.deleted",
            "AccessRule",
            rule.id,
            {"subject": f"{rule.subject_type.value}:{rule.subject_id}"},
        )
    return rule.id


# SCIM tokens -----------------------------------------------------------------------------------


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
            raise not_found("SCIM token", "id")
        if old.revoked_at is not None:
            raise ServiceError.of(Code.INVALID_STATE, "The token is already revoked", "id")
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
            raise not_found("SCIM token", "id")
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
        token_hash=_hash(secret),
        prefix=secret[:14],
        created_by_id=actor.user_id,
    )
    return token, secret


async def scim_tenant(secret: str) -> Tenant | None:
    """The active tenant a SCIM bearer token belongs to (None for unknown or revoked ones)."""
    token = await ScimToken.get_or_none(token_hash=_hash(secret), revoked_at=None)
    if token is None:
        return None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        await ScimToken.filter(id=token.id).update(last_used_at=now)
    return await Tenant.get_or_none(id=token.tenant_id)
