"""Bearer tokens: forged, misdirected and stale ones are refused; an OpenID Provider's keys
are discovered, cached and refetched on rotation (at most every second)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from auth.dev_issuer import DevIssuer
from models.directory import OrgUnit
from server.app import create_app
from server.settings import Settings
from services import directory
from tests.conftest import GraphQL

VIEWER = "{ viewer { user { username } tenant { code } } }"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(issuer: str, subject: str, tenant: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": "officecloud",
        "sub": subject,
        "tenant": tenant,
        "iat": now,
        "exp": now + 300,
        "client_id": "portal-web",
        "jti": uuid.uuid4().hex,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


async def test_well_formed_dev_token_is_accepted(gql: GraphQL, make_department) -> None:
    department = await make_department()
    result = await gql(VIEWER, token=gql.token(department.admin, department.tenant))
    assert result.data["viewer"]["tenant"]["code"] == department.tenant.code


async def test_forged_and_stale_tokens_are_rejected(
    gql: GraphQL, make_department, dev_issuer: DevIssuer
) -> None:
    department = await make_department()
    subject, tenant = str(department.admin.id), department.tenant.code
    good = _claims(dev_issuer.issuer, subject, tenant)
    signing_key = ECKey.import_key(dev_issuer._key.as_dict(private=True))
    kid = signing_key.kid

    def signed(claims: dict[str, Any], key: Any = signing_key, **header: Any) -> str:
        return jwt.encode({"alg": "ES256", "kid": kid, "typ": "at+jwt", **header}, claims, key)

    unsigned = (
        _b64(orjson.dumps({"alg": "none", "typ": "JWT"})) + "." + _b64(orjson.dumps(good)) + "."
    )
    public_pem = signing_key.as_pem(private=False)
    confused_head = _b64(orjson.dumps({"alg": "HS256", "kid": kid}))
    confused_body = _b64(orjson.dumps(good))
    mac = hmac.new(public_pem, f"{confused_head}.{confused_body}".encode(), hashlib.sha256)
    confused = f"{confused_head}.{confused_body}.{_b64(mac.digest())}"
    stranger = ECKey.generate_key("P-256", parameters={"kid": "not-ours"})

    cases = {
        "alg none": unsigned,
        "HS256 signed with the public key": confused,
        "wrong issuer": signed({**good, "iss": "https://evil.example"}),
        "wrong audience": signed({**good, "aud": "someone-else"}),
        "expired": signed({**good, "exp": int(time.time()) - 3600}),
        "not yet valid": signed({**good, "nbf": int(time.time()) + 3600}),
        "unknown kid": jwt.encode({"alg": "ES256", "kid": "not-ours"}, good, stranger),
        "known kid, other key": jwt.encode({"alg": "ES256", "kid": kid}, good, stranger),
        "no subject": signed({k: v for k, v in good.items() if k != "sub"}),
        "no client_id (RFC 9068)": signed({k: v for k, v in good.items() if k != "client_id"}),
        "no jti (RFC 9068)": signed({k: v for k, v in good.items() if k != "jti"}),
        "no iat (RFC 9068)": signed({k: v for k, v in good.items() if k != "iat"}),
        "an ID token (typ JWT)": signed(good, typ="JWT"),
        "untyped": jwt.encode({"alg": "ES256", "kid": kid}, good, signing_key),
        "garbage": "a.b.c",
    }
    assert (await gql(VIEWER, token=signed(good))).status == 200
    for name, token in cases.items():
        result = await gql(VIEWER, token=token)
        assert result.status == 401, name
        assert result.errors[0]["extensions"]["code"] == "UNAUTHENTICATED", name
        assert result.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"'), name


async def test_valid_token_for_an_unknown_or_disabled_user_is_forbidden(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    user = await directory.create_user(
        department.actor,
        username="leaver",
        display_name="离职人员",
        org_unit_ids=[(await department.scope.query(OrgUnit).get(parent_id=None)).id],
    )
    token = gql.token(user, department.tenant)
    assert (await gql(VIEWER, token=token)).status == 200
    await directory.update_user(department.actor, id=user.id, status="disabled")
    refused = await gql(VIEWER, token=token)
    assert refused.status == 403
    assert "disabled" in refused.errors[0]["message"]
    other = await make_department()
    assert (await gql(VIEWER, token=gql.token(user, other.tenant))).status == 403


class Provider:
    """A minimal OpenID Provider: discovery and a JWKS whose keys the test rotates."""

    def __init__(self) -> None:
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "k1"})]
        self.jwks_fetches = 0
        self.app = web.Application()
        self.app.router.add_get("/.well-known/openid-configuration", self.discovery)
        self.app.router.add_get("/jwks", self.jwks)
        self.server = TestServer(self.app, host="127.0.0.1")

    @property
    def issuer(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def discovery(self, request: web.Request) -> web.Response:
        return web.json_response({"issuer": self.issuer, "jwks_uri": f"{self.issuer}/jwks"})

    async def jwks(self, request: web.Request) -> web.Response:
        self.jwks_fetches += 1
        return web.json_response(KeySet(self.keys).as_dict(private=False))

    def token(self, key: RSAKey, **claims: Any) -> str:
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "at+jwt"}, claims, key)


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    provider = Provider()
    await provider.server.start_server()
    yield provider
    await provider.server.close()


async def test_keys_come_from_discovery_and_unknown_kids_refetch_at_most_every_second(
    database: Settings, provider: Provider, make_department
) -> None:
    department = await make_department()
    await directory.update_user(
        department.actor, id=department.admin.id, external_subject="portal|admin-1"
    )
    settings = database.model_copy(update={"oidc_issuer": provider.issuer, "dev_mode": False})
    app_server = TestServer(create_app(settings), host="127.0.0.1")
    await app_server.start_server()
    url = str(app_server.make_url("/graphql"))

    async def ask(session: ClientSession, token: str) -> int:
        async with session.post(
            url, json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
        ) as response:
            return response.status

    claims = _claims(provider.issuer, "portal|admin-1", department.tenant.code)
    try:
        async with ClientSession() as session:
            first = provider.keys[0]
            assert await ask(session, provider.token(first, **claims)) == 200
            assert await ask(session, provider.token(first, **claims)) == 200
            assert provider.jwks_fetches == 1, "keys are cached"

            rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
            provider.keys = [rotated]
            assert await ask(session, provider.token(rotated, **claims)) == 200, (
                "a rotation right after start is picked up: the unknown kid refetches"
            )
            assert provider.jwks_fetches == 2

            again = RSAKey.generate_key(2048, parameters={"kid": "k3"})
            provider.keys = [again]
            assert await ask(session, provider.token(again, **claims)) == 401, (
                "the last unknown-kid refetch was under a second ago: no refetch yet"
            )
            forged = RSAKey.generate_key(2048, parameters={"kid": "k4"})
            assert await ask(session, provider.token(forged, **claims)) == 401
            assert provider.jwks_fetches == 2
    finally:
        await app_server.close()


async def test_an_unknown_kid_refetches_the_keys_once_the_interval_has_passed(
    database: Settings, provider: Provider, make_department
) -> None:
    department = await make_department()
    await directory.update_user(
        department.actor, id=department.admin.id, external_subject="portal|admin-2"
    )
    settings = database.model_copy(
        update={
            "oidc_issuer": provider.issuer,
            "dev_mode": False,
            "oidc_jwks_min_refresh_seconds": 0.2,
        }
    )
    app_server = TestServer(create_app(settings), host="127.0.0.1")
    await app_server.start_server()
    gql_url = str(app_server.make_url("/graphql"))
    claims = _claims(provider.issuer, "portal|admin-2", department.tenant.code)
    try:
        async with ClientSession() as session:

            async def ask(token: str) -> int:
                async with session.post(
                    gql_url, json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
                ) as response:
                    return response.status

            old = provider.keys[0]
            assert await ask(provider.token(old, **claims)) == 200
            rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
            provider.keys = [old, rotated]
            await asyncio.sleep(0.3)
            assert await ask(provider.token(rotated, **claims)) == 200
            assert await ask(provider.token(old, **claims)) == 200
            assert provider.jwks_fetches == 2
            wrong_aud = {**claims, "aud": "another-app"}
            assert await ask(provider.token(rotated, **wrong_aud)) == 401
    finally:
        await app_server.close()
