"""Browser sessions of portal sign-in (门户单点登录): the pending login of the code flow,
server-side sessions (only the cookie's hash is kept), logout, and back-channel logout."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from models.directory import User
from models.scope import TenantScope, across_tenants
from models.sso import (
    AccessEvent,
    AccessEventKind,
    PendingLogin,
    PortalSession,
    UsedTokenId,
    UserRevocation,
)
from models.tenants import Tenant
from services.tenants import secret_hash, tenant_system_actor
from services.uow import transaction


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
            token_hash=secret_hash(cookie),
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
    found, users = await _signed_in(subject, sid)
    logged_out = datetime.fromtimestamp(iat, UTC)
    for tenant_id in sorted({t for t, _ in users}):
        await _sign_out(
            tenant_id,
            [s for s, t, _ in found if t == tenant_id],
            sorted(u for t, u in users if t == tenant_id),
            subject=subject,
            sid=sid,
            revoke_tokens_before=logged_out if subject else None,
        )
    return users


async def _signed_in(
    subject: str | None, sid: str | None
) -> tuple[list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]], set[tuple[uuid.UUID, uuid.UUID]]]:
    """The open sessions (id, tenant, user) a logout token names, and every (tenant, user) it
    concerns: the sessions' users, and with `sub` every user of that subject."""
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
    return found, users


async def _sign_out(
    tenant_id: uuid.UUID,
    session_ids: list[uuid.UUID],
    user_ids: list[uuid.UUID],
    *,
    subject: str | None,
    sid: str | None,
    revoke_tokens_before: datetime | None,
) -> None:
    tenant = await Tenant.get(id=tenant_id)
    async with transaction(tenant_system_actor(tenant)) as work:
        if session_ids:
            await (
                TenantScope(tenant_id)
                .query(PortalSession)
                .filter(id__in=session_ids, revoked_at=None)
                .update(revoked_at=work.now, revoked_reason="backchannel_logout")
            )
        for user_id in user_ids:
            if revoke_tokens_before is not None:
                await _revoke_tokens_before(tenant_id, user_id, revoke_tokens_before)
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
                {"reason": "backchannel_logout", "sid": sid, "sessions": len(session_ids)},
            )


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
