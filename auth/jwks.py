"""JWKS from OIDC discovery, cached; refetched on an unknown `kid`, at most every N seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from joserfc.jwk import KeySet

Fetch = Callable[[], Awaitable[dict[str, Any]]]


class JwksCache:
    def __init__(self, fetch: Fetch, min_refresh_seconds: float = 30.0) -> None:
        self._fetch = fetch
        self._min_refresh = min_refresh_seconds
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key_set(self, kid: str | None) -> KeySet:
        """Keys that include `kid` if the provider has it; a rotation is picked up on demand."""
        if self._keys is not None and self._has(kid):
            return self._keys
        async with self._lock:
            fresh_enough = time.monotonic() - self._fetched_at < self._min_refresh
            if self._keys is None or (not self._has(kid) and not fresh_enough):
                self._keys = KeySet.import_key_set(await self._fetch())  # type: ignore[arg-type]
                self._fetched_at = time.monotonic()
        return self._keys

    def _has(self, kid: str | None) -> bool:
        assert self._keys is not None
        return kid is None or any(k.kid == kid for k in self._keys.keys)


def discovery_fetcher(
    session: Callable[[], aiohttp.ClientSession], issuer: str, jwks_url: str | None
) -> Fetch:
    """Follow `issuer/.well-known/openid-configuration` to `jwks_uri` (once), then fetch keys."""
    resolved: dict[str, str] = {}
    timeout = aiohttp.ClientTimeout(total=5)

    async def fetch() -> dict[str, Any]:
        if "jwks_uri" not in resolved:
            if jwks_url:
                resolved["jwks_uri"] = jwks_url
            else:
                url = issuer.rstrip("/") + "/.well-known/openid-configuration"
                async with session().get(url, timeout=timeout) as response:
                    response.raise_for_status()
                    resolved["jwks_uri"] = (await response.json())["jwks_uri"]
        async with session().get(resolved["jwks_uri"], timeout=timeout) as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json(content_type=None)
            return data

    return fetch
