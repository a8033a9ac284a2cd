"""Keys and tokens against the real OpenID Provider: a forged `kid` cannot starve a real key
rotation, sender-constrained tokens are refused, logout tokens typed `JWT` are accepted, and a
bearer token of the logout's own second is refused after a back-channel logout."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import orjson
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from server.settings import Settings
from server.sso import JWKS
from tests.sso.apps import PortalApp, portal_app
from tests.sso.support import CLIENT_ID, Browser

pytestmark = pytest.mark.slow
LOGOUT_EVENT = {"http://schemas.openid.net/event/backchannel-logout": {}}


@pytest.fixture(scope="module")
async def app(database: Settings) -> AsyncIterator[PortalApp]:
    async with portal_app(
        database,
        oidc_jwks_refresh_seconds=3600,  # only tokens refetch the keys in these tests
        oidc_jwks_min_refresh_seconds=0.5,
        oidc_jwks_unknown_kid_seconds=60,
    ) as running:
        yield running


@pytest.fixture
async def browser(app: PortalApp) -> AsyncIterator[Browser]:
    b = Browser(app.portal)
    yield b
    await b.close()


def _part(token: str, index: int) -> dict[str, Any]:
    segment = token.split(".")[index]
    padded = segment + "=" * (-len(segment) % 4)
    data: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(padded))
    return data


def _forged(claims: dict[str, Any], kid: str) -> str:
    key = RSAKey.generate_key(2048, parameters={"kid": kid})
    return jwt.encode({"alg": "RS256", "kid": kid, "typ": "at+jwt"}, claims, key)


async def _signed_in(app: PortalApp, browser: Browser, department: Any) -> tuple[str, str]:
    subject = await app.portal.add_account(f"p{uuid.uuid4().hex[:8]}", department.tenant.code)
    token = (await app.portal.access_token(browser, subject))["access_token"]
    status, body = await app.ask(token=token)
    assert status == 200, body
    return subject, token


async def test_a_forged_kid_does_not_block_a_real_key_rotation(
    app: PortalApp, browser: Browser, make_department
) -> None:
    subject, real = await _signed_in(app, browser, await make_department())
    keys = app.server.app[JWKS]
    fetched = keys.fetches

    template = {**_part(real, 1), "jti": uuid.uuid4().hex}
    forged = _forged(template, "forged-kid")
    for _ in range(20):
        status, body = await app.ask(token=forged)
        assert status == 401, body
    assert keys.fetches == fetched + 1, "a forged kid refetches once, then is known not to exist"

    await app.portal.rotate("publish")
    rotated = await app.portal.rotate("activate")
    new = (await app.portal.access_token(browser, subject))["access_token"]
    assert _part(new, 0)["kid"] == rotated["signing"]
    await asyncio.sleep(0.6)  # past the global floor, counted from the forged kid's refetch
    status, body = await app.ask(token=new)
    assert status == 200, "the rotation is picked up at the new key's first token"
    assert keys.fetches == fetched + 2

    started = time.monotonic()
    for i in range(30):  # a spray of fresh forged kids costs one fetch per floor at most
        await app.ask(token=_forged(template, f"spray-{i}"))
    allowed = 1 + int((time.monotonic() - started) / 0.5)
    assert keys.fetches - (fetched + 2) <= allowed


async def test_sender_constrained_tokens_are_refused_with_the_reason(
    app: PortalApp, browser: Browser, make_department
) -> None:
    _, real = await _signed_in(app, browser, await make_department())
    for cnf in ({"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}, {"x5t#S256": "bwcK0esc"}):
        claims = {**_part(real, 1), "jti": uuid.uuid4().hex, "cnf": cnf}
        token = await app.portal.sign(claims, {"typ": "at+jwt"})
        status, body = await app.ask(token=token)
        assert status == 401
        message = body["errors"][0]["message"]
        assert "sender-constrained" in message
        assert next(iter(cnf)) in message


async def test_logout_tokens_typed_jwt_are_accepted(app: PortalApp) -> None:
    now = int(time.time())
    claims = {
        "iss": app.portal.issuer,
        "aud": CLIENT_ID,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "sub": "nobody",
        "events": LOGOUT_EVENT,
    }
    assert (await app.backchannel_logout(await app.portal.sign(claims, {"typ": "JWT"})))[0] == 200
    status, body = await app.backchannel_logout(
        await app.portal.sign({**claims, "jti": uuid.uuid4().hex}, {"typ": "id_token+jwt"})
    )
    assert status == 400
    assert "logout+jwt" in body["error_description"]


async def test_a_token_of_the_logout_second_is_refused_after_back_channel_logout(
    app: PortalApp, browser: Browser, make_department
) -> None:
    subject, token = await _signed_in(app, browser, await make_department())
    issued = _part(token, 1)["iat"]
    logout = {
        "iss": app.portal.issuer,
        "aud": CLIENT_ID,
        "iat": issued,  # the same second as the bearer token
        "jti": uuid.uuid4().hex,
        "sub": subject,
        "events": LOGOUT_EVENT,
    }
    assert (await app.backchannel_logout(await app.portal.sign(logout, {"typ": "logout+jwt"})))[
        0
    ] == 200
    status, body = await app.ask(token=token)
    assert status == 401
    assert "same second" in body["errors"][0]["message"]
    await asyncio.sleep(max(0.0, issued + 1 - time.time()))
    fresh = (await app.portal.access_token(browser, subject))["access_token"]
    assert (await app.ask(token=fresh))[0] == 200, "a token of a later second works"


async def test_an_authorization_response_from_another_issuer_is_refused(app: PortalApp) -> None:
    """RFC 9207: the provider names itself in `iss`; a browser sign-in (tests/sso/test_claims.py)
    shows the right one is accepted."""
    for iss, reason in (("http://evil.example", "not from the portal"), (None, "lacks the iss")):
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Accept-Language": "en"}
        ) as http:
            async with http.get(f"{app.url}/auth/login", allow_redirects=False) as started:
                assert started.status == 302
                state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
            query = {"state": state, "code": "anything", **({"iss": iss} if iss else {})}
            async with http.get(f"{app.url}/auth/callback", params=query) as answer:
                assert answer.status == 400
                assert reason in await answer.text()
