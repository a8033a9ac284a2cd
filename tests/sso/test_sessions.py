"""Browser sessions of portal sign-in, in process against PostgreSQL: the pending login of the
code flow, a session opened and ended, and back-channel logout by `sid` and by `sub`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.directory import User
from models.sso import (
    AccessEvent,
    AccessEventKind,
    PendingLogin,
    PortalSession,
    UsedTokenId,
    UserRevocation,
)
from services.sso import sessions
from services.tenants import secret_hash
from services.tenants.provisioning import SYSTEM_USER_ID
from tests.conftest import Department
from tests.sso.records import audited, clerk

HOUR = 3600


async def test_a_pending_login_is_good_for_one_callback_before_it_expires(database: Any) -> None:
    stale = await PendingLogin.create(
        state=f"stale-{uuid.uuid4().hex}",
        code_verifier="v",
        nonce="n",
        expires_at=datetime.now(UTC) - timedelta(seconds=5),
    )
    later = await PendingLogin.create(
        state=f"later-{uuid.uuid4().hex}",
        code_verifier="v",
        nonce="n",
        expires_at=datetime.now(UTC) + timedelta(seconds=30),
    )
    before = datetime.now(UTC)
    login = await sessions.begin_login("/app/inbox")
    after = datetime.now(UTC)
    assert not await PendingLogin.exists(state=stale.state), "expired ones are purged"
    assert await PendingLogin.exists(state=later.state)
    assert (len(login.state), len(login.code_verifier), len(login.nonce)) == (43, 86, 43)
    assert len({login.state, login.code_verifier, login.nonce}) == 3
    assert login.return_to == "/app/inbox"
    assert before + timedelta(seconds=600) <= login.expires_at <= after + timedelta(seconds=600)
    short = await sessions.begin_login("/", ttl_seconds=5)
    assert short.expires_at <= datetime.now(UTC) + timedelta(seconds=5)

    assert await sessions.finish_login("no-such-state") is None
    found = await sessions.finish_login(login.state)
    assert found is not None
    assert (found.state, found.nonce, found.return_to) == (login.state, login.nonce, "/app/inbox")
    assert await sessions.finish_login(login.state) is None, "consumed by the first callback"
    assert not await PendingLogin.exists(state=login.state)

    await PendingLogin.filter(state=later.state).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert await sessions.finish_login(later.state) is None, "expired"
    assert not await PendingLogin.exists(state=later.state)


async def _open(department: Department, user: User, sid: str | None, subject: str = "sub-1") -> Any:
    return await sessions.open_session(
        department.tenant,
        user,
        subject=subject,
        sid=sid,
        id_token="id.token.jwt",
        ttl_seconds=HOUR,
        ip="10.0.0.7",
    )


async def test_a_session_keeps_only_the_cookies_hash_and_ends_once(make_department) -> None:
    department = await make_department()
    user = await clerk(department)
    opened = await _open(department, user, "sid-a")
    session = await PortalSession.get(id=opened.session.id)
    assert len(opened.cookie) == len(opened.csrf_token) == 43
    assert opened.cookie != opened.csrf_token
    assert session.token_hash == secret_hash(opened.cookie)
    assert (session.csrf_token, session.subject, session.sid) == (
        opened.csrf_token,
        "sub-1",
        "sid-a",
    )
    assert (session.user_id, session.tenant_id) == (user.id, department.tenant.id)
    assert session.id_token == "id.token.jwt"
    ttl = (session.expires_at - session.created_at).total_seconds()
    assert HOUR - 2 < ttl <= HOUR + 2
    assert session.revoked_at is None
    (signed_in,) = await department.scope.query(AccessEvent).filter(user_id=user.id)
    assert signed_in.kind == AccessEventKind.SIGN_IN
    assert (signed_in.subject, signed_in.method, signed_in.ip) == ("sub-1", "session", "10.0.0.7")
    (opened_entry,) = await audited(department.tenant.id, "session.opened")
    assert (opened_entry.target_type, opened_entry.target_id) == ("User", str(user.id))
    assert opened_entry.data == {"sessionId": str(session.id)}
    assert (opened_entry.actor_id, opened_entry.actor_name) == (SYSTEM_USER_ID, "system")

    assert await sessions.end_session(uuid.uuid4(), "logout") is None
    ended = await sessions.end_session(session.id, "logout")
    assert ended is not None
    assert ended.id == session.id
    session = await PortalSession.get(id=session.id)
    assert session.revoked_at is not None
    assert session.revoked_reason == "logout"
    out = await department.scope.query(AccessEvent).filter(kind=AccessEventKind.SIGN_OUT)
    assert [(e.user_id, e.subject, e.method, e.reason) for e in out] == [
        (user.id, "sub-1", "session", "logout")
    ]
    (revoked,) = await audited(department.tenant.id, "session.revoked")
    assert (revoked.target_type, revoked.target_id) == ("User", str(user.id))
    assert revoked.data == {"reason": "logout"}
    assert revoked.actor_id == SYSTEM_USER_ID

    assert await sessions.end_session(session.id, "again") is None, "already ended"
    assert (await PortalSession.get(id=session.id)).revoked_reason == "logout"
    assert len(await audited(department.tenant.id, "session.revoked")) == 1


async def _logout(**claims: Any) -> set[tuple[uuid.UUID, uuid.UUID]]:
    values: dict[str, Any] = {
        "issuer": "https://portal.example",
        "subject": None,
        "sid": None,
        "jti": uuid.uuid4().hex,
        "iat": datetime.now(UTC).timestamp(),
        "keep_until": (datetime.now(UTC) + timedelta(minutes=10)).timestamp(),
    }
    return await sessions.logout_from_portal(**{**values, **claims})


async def test_a_logout_token_by_sid_ends_that_session_only_and_is_not_replayed(
    make_department,
) -> None:
    department = await make_department()
    user = await clerk(department, external_subject=f"portal|{uuid.uuid4().hex}")
    named = await _open(department, user, f"sid-{uuid.uuid4().hex}")
    other = await _open(department, user, f"sid-{uuid.uuid4().hex}")
    old_jti = await UsedTokenId.create(
        key=f"old|{uuid.uuid4().hex}", expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    issuer = "https://portal.example/" + "i" * 400
    keep_until = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    users = await _logout(
        issuer=issuer, sid=named.session.sid, jti="jti-1", keep_until=keep_until.timestamp()
    )
    assert users == {(department.tenant.id, user.id)}
    assert not await UsedTokenId.exists(key=old_jti.key), "expired ones are purged"
    used = await UsedTokenId.get(key=f"{issuer}|jti-1"[:400])
    assert used.expires_at == keep_until
    ended = await PortalSession.get(id=named.session.id)
    assert (ended.revoked_at is not None, ended.revoked_reason) == (True, "backchannel_logout")
    assert (await PortalSession.get(id=other.session.id)).revoked_at is None
    assert not await UserRevocation.exists(user_id=user.id), "no `sub`: tokens stay good"
    out = await department.scope.query(AccessEvent).filter(kind=AccessEventKind.SIGN_OUT)
    assert [(e.user_id, e.subject, e.method, e.reason) for e in out] == [
        (user.id, None, "backchannel", "signed out at the portal")
    ]
    (entry,) = await audited(department.tenant.id, "session.revoked")
    assert (entry.target_type, entry.target_id) == ("User", str(user.id))
    assert entry.data == {"reason": "backchannel_logout", "sid": named.session.sid, "sessions": 1}

    with pytest.raises(sessions.ReplayedToken) as replayed:
        await _logout(issuer=issuer, sid=other.session.sid, jti="jti-1")
    assert replayed.value.args == ("jti-1",)
    assert (await PortalSession.get(id=other.session.id)).revoked_at is None
    assert await _logout(issuer="https://elsewhere", sid=other.session.sid, jti="jti-1") == {
        (department.tenant.id, user.id)
    }, "the same jti of another issuer is another token"
    assert await _logout(sid="no-such-sid") == set()


async def test_a_logout_token_by_sub_reaches_every_tenant_and_revokes_older_tokens(
    make_department,
) -> None:
    first, second = await make_department(), await make_department()
    subject = f"portal|{uuid.uuid4().hex}"
    mine = await clerk(first, external_subject=subject)
    theirs = await clerk(second, "clerk2", external_subject=subject)
    bystander = await clerk(first, "bystander", external_subject=f"portal|{uuid.uuid4().hex}")
    one = await _open(first, mine, "sid-1", subject=subject)
    two = await _open(first, mine, "sid-2", subject=subject)
    kept = await _open(first, bystander, "sid-1", subject="someone else")
    iat = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

    users = await _logout(subject=subject, iat=iat.timestamp())
    assert users == {(first.tenant.id, mine.id), (second.tenant.id, theirs.id)}
    for session in (one, two):
        assert (await PortalSession.get(id=session.session.id)).revoked_at is not None
    assert (await PortalSession.get(id=kept.session.id)).revoked_at is None
    assert (await UserRevocation.get(user_id=mine.id)).not_before == iat
    assert (await UserRevocation.get(user_id=theirs.id)).not_before == iat
    assert not await UserRevocation.exists(user_id=bystander.id)
    (entry,) = await audited(first.tenant.id, "session.revoked")
    assert entry.data == {"reason": "backchannel_logout", "sid": None, "sessions": 2}
    (elsewhere,) = await audited(second.tenant.id, "session.revoked")
    assert (elsewhere.target_id, elsewhere.data["sessions"]) == (str(theirs.id), 0)
    out = await second.scope.query(AccessEvent).filter(kind=AccessEventKind.SIGN_OUT)
    assert [(e.user_id, e.subject) for e in out] == [(theirs.id, subject)]

    await _logout(subject=subject, iat=(iat - timedelta(hours=1)).timestamp())
    assert (await UserRevocation.get(user_id=mine.id)).not_before == iat, "never moved back"
    later = iat + timedelta(seconds=1)
    await _logout(subject=subject, iat=later.timestamp())
    assert (await UserRevocation.get(user_id=mine.id)).not_before == later

    fresh = await _open(first, mine, "sid-3", subject=subject)
    both = await _logout(subject=subject, sid="sid-9", iat=later.timestamp())
    assert (await PortalSession.get(id=fresh.session.id)).revoked_at is None, "sid and sub both"
    assert both == {(first.tenant.id, mine.id), (second.tenant.id, theirs.id)}
