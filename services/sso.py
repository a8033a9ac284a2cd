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

from models.access import Actor, Permission
from models.base import new_id
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User, UserStatus
from models.scope import TenantScope, across_tenants
from models.sso import (
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
from models.tenants import Tenant
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.tenants import tenant_system_actor
from services.uow import transaction
from subscriptions.topics import Topic

log = logging.getLogger(__name__)
SYSTEM_USER_ID = uuid.UUID(int=0)
COMPONENT_KEY_MAX = 64


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
    session = await across_tenants(PortalSession).get_or_none(id=session_id)
    if session is None or session.revoked_at is not None:
        return None
    tenant = await Tenant.get(id=session.tenant_id)
    async with transaction(tenant_system_actor(tenant)) as work:
        updated = (
            await TenantScope(tenant.id)
            .query(PortalSession)
            .filter(id=session_id, revoked_at=None)
            .update(revoked_at=work.now, revoked_reason=reason)
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
    sessions = across_tenants(PortalSession).filter(revoked_at=None)
    if sid:
        sessions = sessions.filter(sid=sid)
    if subject:
        sessions = sessions.filter(subject=subject)
    found = await sessions.values_list("id", "tenant_id", "user_id")
    users = {(tenant_id, user_id) for _, tenant_id, user_id in found}
    if subject:
        users |= {
            (tenant_id, user_id)
            for user_id, tenant_id in await across_tenants(User)
            .filter(external_subject=subject)
            .values_list("id", "tenant_id")
        }
    logged_out = datetime.fromtimestamp(iat, UTC)
    for tenant_id in sorted({t for t, _ in users}):
        tenant = await Tenant.get(id=tenant_id)
        async with transaction(tenant_system_actor(tenant)) as work:
            mine = [s for s, t, _ in found if t == tenant_id]
            if mine:
                await (
                    TenantScope(tenant_id)
                    .query(PortalSession)
                    .filter(id__in=mine, revoked_at=None)
                    .update(revoked_at=now, revoked_reason="backchannel_logout")
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
    row = (
        await TenantScope(tenant_id)
        .query(UserRevocation)
        .filter(user_id=user_id)
        .select_for_update()
        .first()
    )
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
    token = await across_tenants(ScimToken).get_or_none(token_hash=_hash(secret), revoked_at=None)
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


# Directory pull (组织机构、用户同步) --------------------------------------------------------------


@dataclass(frozen=True)
class SourceUnit:
    key: str
    """The portal's id of the group; kept as the org unit's external id."""
    name: str
    parent_key: str | None


@dataclass(frozen=True)
class SourceUser:
    key: str
    """The portal's `externalId` (its SSO subject) or else its id; kept as external subject."""
    username: str
    display_name: str
    email: str | None
    phone: str | None
    title: str | None
    active: bool
    unit_keys: tuple[str, ...]


@dataclass
class PullReport:
    units_created: int = 0
    units_updated: int = 0
    users_created: int = 0
    users_updated: int = 0
    users_deprovisioned: int = 0
    users_unchanged: int = 0

    @property
    def changed(self) -> int:
        return (
            self.units_created
            + self.units_updated
            + self.users_created
            + self.users_updated
            + self.users_deprovisioned
        )


Progress = Any
BATCH = 2000


async def apply_pull(
    actor: Actor,
    units: list[SourceUnit],
    users: list[SourceUser],
    *,
    progress: Progress = None,
) -> PullReport:
    """Make the tenant's synced directory equal the portal's: create and update org units and
    users in batches (one transaction and one audit entry per changed row), and deprovision
    synced users the portal no longer lists. Running it twice changes nothing the second time."""
    report = PullReport()
    scope = TenantScope(actor.tenant_id)
    root = await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()
    if root is None:
        raise ServiceError.of(Code.INVALID_STATE, "The tenant has no root org unit")
    unit_ids = await _pull_units(actor, scope, root, units, report)
    member = await scope.query(Role).get_or_none(code="member")
    existing: dict[str, User] = {
        str(u.external_subject): u
        for u in await scope.query(User).filter(external_subject__not_isnull=True)
    }
    by_name = {u.username: u for u in await scope.query(User).filter(external_subject__isnull=True)}
    taken = {str(name) for name in await scope.query(User).values_list("username", flat=True)}
    memberships: dict[uuid.UUID, list[uuid.UUID]] = {}
    for user_id, unit_id in (
        await scope.query(Membership).order_by("created_at").values_list("user_id", "org_unit_id")
    ):
        memberships.setdefault(user_id, []).append(unit_id)
    seen: set[str] = set()
    for start in range(0, len(users), BATCH):
        chunk = users[start : start + BATCH]
        async with transaction(actor) as work:
            new_users: list[User] = []
            new_links: list[Membership] = []
            new_roles: list[RoleAssignment] = []
            changed: list[User] = []
            for source in chunk:
                seen.add(source.key)
                wanted_units = list(
                    dict.fromkeys(unit_ids[k] for k in source.unit_keys if k in unit_ids)
                ) or [root.id]
                status = UserStatus.ACTIVE if source.active else UserStatus.DEPROVISIONED
                local = existing.get(source.key) or by_name.pop(source.username, None)
                if local is None:
                    username = _free_username(source.username, source.key, taken)
                    row = User(
                        id=new_id(),
                        tenant_id=actor.tenant_id,
                        username=username,
                        display_name=source.display_name[:100],
                        email=source.email,
                        phone=source.phone,
                        title=source.title,
                        external_subject=source.key,
                        status=status,
                        primary_org_unit_id=wanted_units[0],
                    )
                    new_users.append(row)
                    new_links += [
                        Membership(
                            id=new_id(), tenant_id=actor.tenant_id, user_id=row.id, org_unit_id=u
                        )
                        for u in wanted_units
                    ]
                    if member is not None:
                        new_roles.append(
                            RoleAssignment(
                                id=new_id(),
                                tenant_id=actor.tenant_id,
                                user_id=row.id,
                                role_id=member.id,
                            )
                        )
                    work.audit(
                        actor.tenant_id,
                        "user.created",
                        "User",
                        row.id,
                        {"username": username, "source": "pull", "externalSubject": source.key},
                    )
                    report.users_created += 1
                    continue
                changes = apply_changes(
                    local,
                    display_name=source.display_name[:100],
                    email=source.email,
                    phone=source.phone,
                    title=source.title,
                    external_subject=source.key,
                    primary_org_unit_id=wanted_units[0],
                )
                if status == UserStatus.ACTIVE and local.status != status:
                    local.status = status
                    changes["status"] = status.value
                current_units = memberships.get(local.id, [])
                if set(current_units) != set(wanted_units):
                    await (
                        scope.query(Membership)
                        .filter(
                            user_id=local.id, org_unit_id__in=set(current_units) - set(wanted_units)
                        )
                        .delete()
                    )
                    new_links += [
                        Membership(
                            id=new_id(), tenant_id=actor.tenant_id, user_id=local.id, org_unit_id=u
                        )
                        for u in wanted_units
                        if u not in current_units
                    ]
                    changes["orgUnitIds"] = [str(u) for u in wanted_units]
                if changes:
                    local.version += 1
                    changed.append(local)
                    work.audit(
                        actor.tenant_id,
                        "user.updated",
                        "User",
                        local.id,
                        {"source": "pull", **{k: _plain(v) for k, v in changes.items()}},
                    )
                    report.users_updated += 1
                else:
                    report.users_unchanged += 1
            if new_users:
                await scope.bulk_create(User, new_users, batch_size=1000)
            if new_links:
                await scope.bulk_create(Membership, new_links, batch_size=1000)
            if new_roles:
                await scope.bulk_create(RoleAssignment, new_roles, batch_size=1000)
            if changed:
                await User.bulk_update(
                    changed,
                    fields=[
                        "display_name",
                        "email",
                        "phone",
                        "title",
                        "external_subject",
                        "status",
                        "primary_org_unit_id",
                        "version",
                    ],
                    batch_size=1000,
                )
            if new_users or changed:
                work.emit(
                    actor.tenant_id,
                    Topic.DIRECTORY_SYNCED,
                    {"created": len(new_users), "updated": len(changed)},
                )
        if progress is not None:
            progress("users", min(start + BATCH, len(users)), len(users))
    from services.offboarding import deprovision_user

    leaving = [
        u.id
        for key, u in existing.items()
        if key not in seen and u.status != UserStatus.DEPROVISIONED
    ]
    leaving += [u.id for u in users_to_deprovision(users, existing)]
    for user_id in dict.fromkeys(leaving):
        await deprovision_user(actor, user_id)
        report.users_deprovisioned += 1
    return report


def users_to_deprovision(users: list[SourceUser], existing: dict[str, User]) -> list[User]:
    """Listed by the portal as inactive, and still active here."""
    return [
        existing[s.key]
        for s in users
        if not s.active and s.key in existing and existing[s.key].status != UserStatus.DEPROVISIONED
    ]


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def _free_username(wanted: str, key: str, taken: set[str]) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._@-" else "-" for c in wanted)[:64].strip("-._@")
    cleaned = cleaned or "user"
    if cleaned in taken:
        cleaned = f"{cleaned[:55]}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    taken.add(cleaned)
    return cleaned


async def _pull_units(
    actor: Actor, scope: TenantScope, root: OrgUnit, units: list[SourceUnit], report: PullReport
) -> dict[str, uuid.UUID]:
    """Org units by the portal's key, created parents first; renamed ones updated."""
    from services.directory import move_org_unit, unit_path

    local = {
        u.external_id: u for u in await scope.query(OrgUnit).filter(external_id__not_isnull=True)
    }
    by_key = {u.key: u for u in units}
    ids: dict[str, uuid.UUID] = {k: u.id for k, u in local.items() if k}
    rows: dict[str, OrgUnit] = {k: u for k, u in local.items() if k}
    order: list[SourceUnit] = []
    placed: set[str] = set()

    def visit(unit: SourceUnit, trail: frozenset[str]) -> None:
        if unit.key in placed or unit.key in trail:
            return
        parent = by_key.get(unit.parent_key or "")
        if parent is not None:
            visit(parent, trail | {unit.key})
        placed.add(unit.key)
        order.append(unit)

    for unit in units:
        visit(unit, frozenset())
    async with transaction(actor) as work:
        created: list[OrgUnit] = []
        renamed: list[OrgUnit] = []
        for unit in order:
            parent = rows.get(unit.parent_key or "") or root
            row = rows.get(unit.key)
            if row is None:
                unit_id = new_id()
                row = OrgUnit(
                    id=unit_id,
                    tenant_id=actor.tenant_id,
                    parent_id=parent.id,
                    name=unit.name[:200],
                    external_id=unit.key,
                    path=unit_path(parent, unit_id),
                    depth=parent.depth + 1,
                )
                created.append(row)
                rows[unit.key], ids[unit.key] = row, unit_id
                work.audit(
                    actor.tenant_id,
                    "org_unit.created",
                    "OrgUnit",
                    unit_id,
                    {"name": unit.name, "source": "pull"},
                )
                report.units_created += 1
            elif row.name != unit.name[:200]:
                row.name = unit.name[:200]
                row.version += 1
                renamed.append(row)
                work.audit(
                    actor.tenant_id,
                    "org_unit.updated",
                    "OrgUnit",
                    row.id,
                    {"name": row.name, "source": "pull"},
                )
                report.units_updated += 1
        if created:
            await scope.bulk_create(OrgUnit, created, batch_size=1000)
        if renamed:
            await OrgUnit.bulk_update(renamed, fields=["name", "version"], batch_size=1000)
    for unit in order:
        row = rows[unit.key]
        parent = rows.get(unit.parent_key or "") or root
        if row.parent_id != parent.id and row.id != root.id:
            moved = await move_org_unit(actor, id=row.id, new_parent_id=parent.id)
            rows[unit.key] = moved
            report.units_updated += 1
    return ids
