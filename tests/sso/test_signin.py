"""Single sign-on against a real OpenID Provider (node `oidc-provider`): RFC 9068 access tokens
on /graphql and websockets through a key rotation, opaque tokens by introspection, browser
sign-in with a session cookie and CSRF, back-channel logout, and the refusals."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from models.directory import OrgUnit, RoleAssignment, User
from models.sso import AccessEvent, AccessEventKind, PortalSession
from models.tenants import TenantStatus
from server.app import create_app
from server.settings import Settings
from server.sso import AUTHENTICATOR
from services import tenants
from tests.processes import budget
from tests.sso.support import CLIENT_ID, CLIENT_SECRET, Browser, Portal, running_provider

pytestmark = pytest.mark.slow  # a real OpenID Provider in node

VIEWER = "{ viewer { user { username externalSubject } tenant { code } permissions } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Sso:
    portal: Portal
    server: TestServer
    url: str

    @property
    def graphql(self) -> str:
        return f"{self.url}/graphql"

    @property
    def ws(self) -> str:
        return self.graphql.replace("http://", "ws://")

    async def ask(
        self,
        query: str,
        *,
        token: str | None = None,
        session: aiohttp.ClientSession | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        sent = {"Accept-Language": "en", **(headers or {})}  # the tests' messages are English
        if token:
            sent["Authorization"] = f"Bearer {token}"
        own = session is None
        http = session or aiohttp.ClientSession()
        try:
            async with http.post(self.graphql, json={"query": query}, headers=sent) as response:
                return response.status, await response.json(content_type=None)
        finally:
            if own:
                await http.close()


@pytest.fixture(scope="module")
async def sso(database: Settings) -> AsyncIterator[Sso]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with running_provider(url) as portal:
        settings = database.model_copy(
            update={
                "dev_mode": False,
                "public_url": url,
                "oidc_issuer": portal.issuer,
                "oidc_client_id": CLIENT_ID,
                "oidc_client_secret": CLIENT_SECRET,
                "oidc_introspection": True,
                "oidc_jwks_refresh_seconds": 0.5,
                "oidc_role_map": {"oa-admin": "tenant_admin"},
                "cookie_secure": False,
            }
        )
        server = TestServer(create_app(settings), host="127.0.0.1", port=port)
        await server.start_server()
        try:
            yield Sso(portal, server, url)
        finally:
            await server.close()


@pytest.fixture
async def browser(sso: Sso) -> AsyncIterator[Browser]:
    b = Browser(sso.portal)
    yield b
    await b.close()


def account() -> str:
    return f"p{uuid.uuid4().hex[:10]}"


async def test_portal_tokens_provision_the_user_and_survive_a_key_rotation(
    sso: Sso, browser: Browser, make_department
) -> None:
    department = await make_department()
    code = department.tenant.code
    subject = await sso.portal.add_account(account(), code, roles=["oa-admin"], name="王芳")
    tokens = await sso.portal.access_token(browser, subject)
    status, body = await sso.ask(VIEWER, token=tokens["access_token"])
    assert status == 200, body
    assert body["data"]["viewer"]["user"]["externalSubject"] == subject
    assert "TENANT_ADMIN" in body["data"]["viewer"]["permissions"], "roles claim mapped"
    user = await department.scope.query(User).get(external_subject=subject)
    assert user.display_name == "王芳"
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    assert user.primary_org_unit_id == root.id
    assert await department.scope.query(RoleAssignment).filter(user_id=user.id).count() == 2

    failures: list[int] = []
    stop = asyncio.Event()

    async def hammer(token: str) -> int:
        count = 0
        async with aiohttp.ClientSession() as http:
            while not stop.is_set():
                status, _ = await sso.ask(VIEWER, token=token, session=http)
                if status != 200:
                    failures.append(status)
                count += 1
                await asyncio.sleep(0.02)
        return count

    old_token = tokens["access_token"]
    load = asyncio.create_task(hammer(old_token))
    await sso.portal.rotate("publish")
    await asyncio.sleep(1.2)  # past oidc_jwks_refresh_seconds: the next key is known
    rotated = await sso.portal.rotate("activate")
    new_tokens = await sso.portal.access_token(browser, subject)
    assert _kid(new_tokens["access_token"]) == rotated["signing"] != _kid(old_token)
    newer = asyncio.create_task(hammer(new_tokens["access_token"]))
    await asyncio.sleep(0.5)
    stop.set()
    sent = await load + await newer
    assert sent > 10
    assert failures == [], "no request failed during the rotation"

    audit_before = await _audit_count(department)
    status, _ = await sso.ask(VIEWER, token=new_tokens["access_token"])
    assert status == 200
    assert await _audit_count(department) == audit_before, "a known user creates nothing"


def _kid(token: str) -> str:
    import base64

    import orjson

    head = token.split(".")[0]
    return str(orjson.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"])


async def _audit_count(department: Any) -> int:
    from models.audit import AuditEntry

    return await department.scope.query(AuditEntry).count()


async def test_opaque_tokens_are_introspected_with_a_short_cache(
    sso: Sso, browser: Browser, make_department
) -> None:
    department = await make_department()
    subject = await sso.portal.add_account(account(), department.tenant.code)
    tokens = await sso.portal.access_token(browser, subject, resource="urn:officecloud:opaque")
    assert tokens["access_token"].count(".") != 2, "an opaque token"
    introspector = sso.server.app[AUTHENTICATOR].introspector
    assert introspector is not None
    calls = introspector.calls
    for _ in range(3):
        status, body = await sso.ask(VIEWER, token=tokens["access_token"])
        assert status == 200, body
    assert introspector.calls == calls + 1
    status, body = await sso.ask(VIEWER, token="not-a-real-token")
    assert status == 401
    assert "not active" in body["errors"][0]["message"]


async def test_refused_tokens_create_nothing_and_say_why(
    sso: Sso, browser: Browser, make_department
) -> None:
    department = await make_department()
    code = department.tenant.code

    wrong = await sso.portal.add_account(account(), code)
    tokens = await sso.portal.access_token(browser, wrong, resource="urn:other")
    status, body = await sso.ask(VIEWER, token=tokens["access_token"])
    assert status == 401
    assert "audience" in body["errors"][0]["message"]
    assert not await department.scope.query(User).filter(external_subject=wrong).exists()
    failed = await department.scope.query(AccessEvent).get(subject=wrong)
    assert failed.kind == AccessEventKind.SIGN_IN_FAILED
    assert "audience" in (failed.reason or "")

    id_token = tokens["id_token"]
    status, body = await sso.ask(VIEWER, token=id_token)
    assert status == 401
    assert "at+jwt" in body["errors"][0]["message"]

    suspended = await make_department()
    person = await sso.portal.add_account(account(), suspended.tenant.code)
    token = (await sso.portal.access_token(browser, person))["access_token"]
    await tenants.set_tenant_status(
        await tenants.system_actor(), tenant_id=suspended.tenant.id, status=TenantStatus.SUSPENDED
    )
    audit_before = await _audit_count(suspended)
    status, body = await sso.ask(VIEWER, token=token)
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "suspended" in body["errors"][0]["message"]
    assert not await suspended.scope.query(User).filter(external_subject=person).exists()
    assert await _audit_count(suspended) == audit_before


async def test_browser_sign_in_gives_a_session_cookie_with_csrf_protection(
    sso: Sso, browser: Browser, make_department
) -> None:
    department = await make_department()
    subject = await sso.portal.add_account(account(), department.tenant.code, name="李雷")
    landed = await browser.sign_in(subject)
    assert landed == f"{sso.url}/app"
    session_cookie, csrf = browser.cookie("oc_session"), browser.cookie("oc_csrf")
    assert session_cookie
    assert csrf

    status, body = await sso.ask(VIEWER, session=browser.http)
    assert status == 403, "a cookie-authenticated POST without the CSRF header is refused"
    assert "CSRF" in body["errors"][0]["message"]
    status, body = await sso.ask(VIEWER, session=browser.http, headers={"X-CSRF-Token": "nope"})
    assert status == 403
    status, body = await sso.ask(VIEWER, session=browser.http, headers={"X-CSRF-Token": csrf})
    assert status == 200, body
    assert body["data"]["viewer"]["user"]["externalSubject"] == subject
    async with browser.http.get(sso.graphql, params={"query": VIEWER}) as response:
        assert response.status == 200, "queries over GET need no CSRF token"

    async with browser.http.ws_connect(sso.ws, protocols=["graphql-transport-ws"]) as ws:
        await ws.send_json({"type": "connection_init", "payload": {"csrfToken": csrf}})
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"

    async with browser.http.post(
        f"{sso.url}/auth/logout", headers={"X-CSRF-Token": csrf}, allow_redirects=False
    ) as response:
        assert response.status == 303
        location = response.headers["Location"]
    assert location.startswith(f"{sso.portal.issuer}/session/end?")
    assert "id_token_hint=" in location
    status, body = await sso.ask(VIEWER, session=browser.http, headers={"X-CSRF-Token": csrf})
    assert status in (200, 401)
    session = await PortalSession.get(subject=subject)
    assert session.revoked_reason == "logout"


async def test_back_channel_logout_closes_websockets_and_ends_the_session(
    sso: Sso, browser: Browser, make_department
) -> None:
    department = await make_department()
    subject = await sso.portal.add_account(account(), department.tenant.code)
    await browser.sign_in(subject)
    csrf = browser.cookie("oc_csrf") or ""
    bearer = (await sso.portal.access_token(browser, subject))["access_token"]
    assert (await sso.ask(VIEWER, token=bearer))[0] == 200

    async with aiohttp.ClientSession() as other:
        bearer_ws = await other.ws_connect(sso.ws, protocols=["graphql-transport-ws"])
        await bearer_ws.send_json(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {bearer}"}}
        )
        assert (await bearer_ws.receive_json(timeout=5))["type"] == "connection_ack"
        cookie_ws = await browser.http.ws_connect(sso.ws, protocols=["graphql-transport-ws"])
        await cookie_ws.send_json({"type": "connection_init", "payload": {"csrfToken": csrf}})
        assert (await cookie_ws.receive_json(timeout=5))["type"] == "connection_ack"

        await asyncio.sleep(1.05)  # tokens issued before the logout's second are refused after
        started = time.monotonic()
        readers = [
            asyncio.create_task(ws.receive(timeout=budget(5))) for ws in (bearer_ws, cookie_ws)
        ]
        await browser.logout_at_portal()
        for ws, message in zip((bearer_ws, cookie_ws), await asyncio.gather(*readers), strict=True):
            assert message.type == aiohttp.WSMsgType.CLOSE, message
            assert ws.close_code == 4403
        assert time.monotonic() - started < budget(5)

    session = await PortalSession.get(subject=subject)
    assert session.revoked_reason == "backchannel_logout"
    status, body = await sso.ask(VIEWER, session=browser.http, headers={"X-CSRF-Token": csrf})
    assert status == 401
    assert "sign in again" in body["errors"][0]["message"]
    status, body = await sso.ask(VIEWER, token=bearer)
    assert status == 401
    assert "signed out" in body["errors"][0]["message"]
    await asyncio.sleep(1 - time.time() % 1)  # tokens of the logout's own second are refused
    fresh = (await sso.portal.access_token(browser, subject))["access_token"]
    assert (await sso.ask(VIEWER, token=fresh))[0] == 200, "signing in again works"


async def test_logout_tokens_are_validated_per_the_spec(sso: Sso) -> None:
    now = int(time.time())
    good = {
        "iss": sso.portal.issuer,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
        "sub": "nobody",
        "sid": "no-session",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    url = f"{sso.url}/auth/backchannel-logout"

    async def post(token: str) -> tuple[int, dict[str, Any]]:
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data={"logout_token": token}) as response,
        ):
            body = await response.json(content_type=None) if response.status != 200 else {}
            assert response.headers["Cache-Control"] == "no-store"
            return response.status, body

    def without(name: str) -> dict[str, Any]:
        return {k: v for k, v in good.items() if k != name} | {"jti": uuid.uuid4().hex}

    refused = {
        "wrong audience": {**good, "aud": "someone-else", "jti": uuid.uuid4().hex},
        "nonce present": {**good, "nonce": "x", "jti": uuid.uuid4().hex},
        "no events": without("events"),
        "wrong event": {**good, "events": {"other": {}}, "jti": uuid.uuid4().hex},
        "neither sub nor sid": {k: v for k, v in good.items() if k not in ("sub", "sid")}
        | {"jti": uuid.uuid4().hex},
        "no iat": without("iat"),
        "no jti": {k: v for k, v in good.items() if k != "jti"},
        "too old": {**good, "iat": now - 3600, "exp": now + 60, "jti": uuid.uuid4().hex},
        "expired": {**good, "exp": now - 600, "jti": uuid.uuid4().hex},
    }
    for name, claims in refused.items():
        status, body = await post(await sso.portal.sign(claims, {"typ": "logout+jwt"}))
        assert status == 400, name
        assert body["error"] == "invalid_request", name
    status, body = await post(
        await sso.portal.sign({**good, "jti": uuid.uuid4().hex}, {"typ": "at+jwt"})
    )
    assert status == 400
    assert "logout+jwt" in body["error_description"]
    status, _ = await post("not.a.jwt")
    assert status == 400

    token = await sso.portal.sign(good, {"typ": "logout+jwt"})
    assert (await post(token))[0] == 200
    status, body = await post(token)
    assert status == 400, "a replayed jti is refused"
    assert "used" in body["error_description"]
