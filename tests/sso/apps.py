"""An Officecloud server wired to a real OpenID Provider (tests/oidc/), with settings chosen
by the test: the key cache limits, the role map, the linking claim."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from server.app import create_app
from server.settings import Settings
from tests.sso.support import CLIENT_ID, CLIENT_SECRET, Portal, running_provider

VIEWER = "{ viewer { user { username displayName email externalSubject } permissions } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PortalApp:
    portal: Portal
    server: TestServer
    url: str

    async def ask(
        self, query: str = VIEWER, *, token: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        sent = {"Authorization": f"Bearer {token}", "Accept-Language": "en", **(headers or {})}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{self.url}/graphql", json={"query": query}, headers=sent) as response,
        ):
            return response.status, await response.json(content_type=None)

    async def backchannel_logout(self, token: str) -> tuple[int, dict[str, Any]]:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{self.url}/auth/backchannel-logout", data={"logout_token": token}
            ) as response,
        ):
            body = await response.json(content_type=None) if response.status != 200 else {}
            return response.status, body


@asynccontextmanager
async def portal_app(database: Settings, **settings: Any) -> AsyncIterator[PortalApp]:
    """The provider and a server of ours registered at it as `officecloud-web`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with running_provider(url) as portal:
        configured = database.model_copy(
            update={
                "dev_mode": False,
                "public_url": url,
                "oidc_issuer": portal.issuer,
                "oidc_client_id": CLIENT_ID,
                "oidc_client_secret": CLIENT_SECRET,
                "cookie_secure": False,
                **settings,
            }
        )
        server = TestServer(create_app(configured), host="127.0.0.1", port=port)
        await server.start_server()
        try:
            yield PortalApp(portal, server, url)
        finally:
            await server.close()
