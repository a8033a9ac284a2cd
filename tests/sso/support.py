"""A real OpenID Provider (node `oidc-provider`, tests/oidc/) and a browser-like client that
signs in through its login and consent pages over HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import aiohttp
import pytest

from tests.conftest import GraphQL
from tests.processes import budget

OIDC_DIR = Path(__file__).parents[1] / "oidc"
CLIENT_ID = "officecloud-web"
CLIENT_SECRET = "officecloud-web-secret"


def ensure_node_modules() -> None:
    """`npm ci` once when tests/oidc/node_modules is missing (offline when the cache has it)."""
    if (OIDC_DIR / "node_modules" / "oidc-provider").exists():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("node and npm are needed for the OpenID Provider tests")
    subprocess.run(
        [npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"],
        cwd=OIDC_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )


class Portal:
    """The running provider, with its test-only endpoints."""

    def __init__(self, issuer: str, rp_url: str, http: aiohttp.ClientSession) -> None:
        self.issuer = issuer
        self.rp_url = rp_url
        self.http = http

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.http.post(self.issuer + path, json=body) as response:
            assert response.status == 200, await response.text()
            data: dict[str, Any] = await response.json()
            return data

    async def add_account(
        self,
        account_id: str,
        tenant: str,
        *,
        roles: list[str] | None = None,
        org_unit: str | None = None,
        name: str | None = None,
        username: str | None = None,
    ) -> str:
        await self._post(
            "/test/accounts",
            {
                "id": account_id,
                "tenant": tenant,
                "roles": roles or [],
                "org_unit": org_unit,
                "name": name or f"Portal user {account_id}",
                "username": username or account_id,
                "email": f"{account_id}@portal.example",
            },
        )
        return account_id

    async def rotate(self, phase: str) -> dict[str, Any]:
        return await self._post("/test/rotate", {"phase": phase})

    async def sign(self, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
        return str(
            (await self._post("/test/sign", {"claims": claims, "header": header or {}}))["jwt"]
        )

    async def access_token(
        self, browser: Browser, account: str, resource: str = "urn:officecloud"
    ) -> dict[str, Any]:
        """Run the authorization code flow with PKCE as a client would, for `resource`."""
        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .decode()
            .rstrip("=")
        )
        redirect_uri = f"{self.rp_url}/test/callback"
        query = {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": "openid profile email api",
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
            "resource": resource,
            "prompt": "login consent",
        }
        location = await browser.walk(
            f"{self.issuer}/auth?" + "&".join(f"{k}={_q(v)}" for k, v in query.items()),
            account,
            stop_at=redirect_uri,
        )
        code = parse_qs(urlsplit(location).query)["code"][0]
        async with self.http.post(
            f"{self.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "resource": resource,
            },
            headers={"Authorization": aiohttp.encode_basic_auth(CLIENT_ID, CLIENT_SECRET)},
        ) as response:
            assert response.status == 200, await response.text()
            tokens: dict[str, Any] = await response.json()
            return tokens


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": values.get("action"), "fields": {}, "id": values.get("id")}
            )
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"][values["name"]] = values.get("value") or ""


def forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """A cookie-keeping client that follows redirects itself and fills the provider's forms."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.http.close()

    async def walk(self, url: str, account: str, *, stop_at: str) -> str:
        """From `url` through login and consent until a redirect to `stop_at`; its location."""
        method, data = "GET", None
        for _ in range(20):
            async with self.http.request(method, url, data=data, allow_redirects=False) as response:
                text = await response.text()
                location = response.headers.get("Location")
                status = response.status
            if location:
                location = urljoin(url, location)
                if location.startswith(stop_at):
                    return location
                url, method, data = location, "GET", None
                continue
            assert status == 200, (status, url, text[:500])
            found = forms(text)
            assert found, text[:500]
            form = found[0]
            fields = dict(form["fields"])
            if 'name="prompt" value="login"' in text or fields.get("prompt") == "login":
                fields.update(prompt="login", login=account, password="any")
            elif fields.get("prompt") == "consent" or "consent" in text.lower():
                fields.update(prompt="consent")
            url, method, data = urljoin(url, form["action"]), "POST", fields
        raise AssertionError("the sign-in did not finish")

    async def sign_in(self, account: str) -> str:
        """Browser sign-in at Officecloud: `/auth/login` through the portal back to us."""
        rp = self.portal.rp_url
        location = await self.walk(f"{rp}/auth/login?return_to=/app", account, stop_at=f"{rp}/app")
        return location

    def cookie(self, name: str) -> str | None:
        for cookie in self.http.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None

    async def logout_at_portal(self) -> None:
        """End the session at the provider itself (its logout page), as a person would."""
        issuer = self.portal.issuer
        async with self.http.get(f"{issuer}/session/end") as response:
            text = await response.text()
            assert response.status == 200, text[:300]
        form = next(f for f in forms(text) if f["id"] == "op.logoutForm")
        fields = {**form["fields"], "logout": "yes"}
        async with self.http.post(
            urljoin(f"{issuer}/session/end", form["action"]), data=fields, allow_redirects=False
        ) as response:
            assert response.status in (200, 302, 303), await response.text()


@asynccontextmanager
async def running_provider(rp_url: str) -> AsyncIterator[Portal]:
    ensure_node_modules()
    env = {**os.environ, "RP_URL": rp_url, "PORT": "0", "CLIENT_SECRET": CLIENT_SECRET}
    process = await asyncio.create_subprocess_exec(
        shutil.which("node") or "node",
        str(OIDC_DIR / "provider.mjs"),
        cwd=OIDC_DIR,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=None if os.environ.get("OIDC_DEBUG") else asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), budget(30))
        match = re.match(rb"READY (\S+)", line)
        assert match, line
        async with aiohttp.ClientSession() as http:
            yield Portal(match.group(1).decode(), rp_url, http)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)


async def scim_token(gql: GraphQL, department: Any) -> str:
    token = gql.token(department.admin, department.tenant)
    result = await gql(SCIM_TOKEN, {"input": {"name": "city portal"}}, token=token)
    payload = result.data["createScimToken"]
    assert payload["errors"] == []
    assert payload["secret"].startswith(payload["scimToken"]["prefix"])
    return str(payload["secret"])


SCIM_TOKEN = """mutation($input: CreateScimTokenInput!) {
  createScimToken(input: $input) { scimToken { id prefix } secret errors { code message } }
}"""
