"""The OpenID Provider's metadata and keys, cached.

A token with a `kid` we do not hold refetches the keys, so a rotation is picked up at its first
token. Two limits keep that cheap without letting a forged `kid` block a real one: a short
global floor between such refetches (`min_refresh_seconds`), and a negative cache per `kid`
(`unknown_kid_seconds`): a `kid` the provider did not publish at the last refetch does not
refetch again for that long, while any other new `kid` still does after the floor. The keys are
also refetched every `refresh_seconds`, so a key published ahead of a rotation is known before
the first token signed with it arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from joserfc.jwk import KeySet

Fetch = Callable[[], Awaitable[dict[str, Any]]]
log = logging.getLogger(__name__)


class JwksCache:
    def __init__(
        self,
        fetch: Fetch,
        min_refresh_seconds: float = 1.0,
        unknown_kid_seconds: float = 30.0,
        max_unknown: int = 10_000,
    ) -> None:
        self._fetch = fetch
        self._min_refresh = min_refresh_seconds
        self._unknown_ttl = unknown_kid_seconds
        self._max_unknown = max_unknown
        self._keys: KeySet | None = None
        self._unknown_kid_fetch_at = float("-inf")
        self._unknown: OrderedDict[str, float] = OrderedDict()
        """kid -> until when it is known not to be published."""
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key_set(self, kid: str | None) -> KeySet:
        """Keys that include `kid` if the provider has it; a rotation is picked up on demand."""
        if self._keys is not None and self._has(kid):
            return self._keys
        async with self._lock:
            if self._keys is None:
                await self._load()
            elif kid is not None and not self._has(kid) and self._may_refetch(kid):
                self._unknown_kid_fetch_at = time.monotonic()
                await self._load()
                if not self._has(kid):
                    self._remember_unknown(kid)
        assert self._keys is not None
        return self._keys

    def _may_refetch(self, kid: str) -> bool:
        now = time.monotonic()
        if self._unknown.get(kid, float("-inf")) > now:
            return False
        return now - self._unknown_kid_fetch_at >= self._min_refresh

    def _remember_unknown(self, kid: str) -> None:
        self._unknown[kid] = time.monotonic() + self._unknown_ttl
        self._unknown.move_to_end(kid)
        while len(self._unknown) > self._max_unknown:
            self._unknown.popitem(last=False)

    async def refresh(self) -> None:
        """Refetch now; on failure keep the keys we have (the provider may be briefly down)."""
        async with self._lock:
            try:
                await self._load()
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
                log.warning("refreshing the provider's keys failed: %s", exc)

    async def refresh_forever(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self.refresh()

    async def _load(self) -> None:
        self.fetches += 1
        self._keys = KeySet.import_key_set(await self._fetch())  # type: ignore[arg-type]
        published = {str(k.kid) for k in self._keys.keys}
        for kid in published & self._unknown.keys():
            del self._unknown[kid]

    def _has(self, kid: str | None) -> bool:
        assert self._keys is not None
        return kid is None or any(k.kid == kid for k in self._keys.keys)


class Discovery:
    """`issuer/.well-known/openid-configuration`, fetched once and checked to name the issuer."""

    def __init__(
        self,
        session: Callable[[], aiohttp.ClientSession],
        issuer: str,
        overrides: dict[str, str | None] | None = None,
    ) -> None:
        self._session = session
        self.issuer = issuer
        self._overrides = {k: v for k, v in (overrides or {}).items() if v}
        self._metadata: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            async with self._lock:
                if self._metadata is None:
                    url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
                    async with self._session().get(url, timeout=_TIMEOUT) as response:
                        response.raise_for_status()
                        data = await response.json(content_type=None)
                    if data.get("issuer") != self.issuer:
                        raise ValueError(
                            f"The provider's discovery names issuer {data.get('issuer')!r}, "
                            f"not {self.issuer!r}"
                        )
                    self._metadata = data
        return self._metadata

    async def endpoint(self, name: str) -> str:
        """A metadata value such as `token_endpoint`; an override from settings wins."""
        if name in self._overrides:
            return str(self._overrides[name])
        value = (await self.metadata()).get(name)
        if not value:
            raise KeyError(f"The OpenID Provider does not publish {name}")
        return str(value)


_TIMEOUT = aiohttp.ClientTimeout(total=5)


def jwks_fetcher(session: Callable[[], aiohttp.ClientSession], discovery: Discovery) -> Fetch:
    async def fetch() -> dict[str, Any]:
        url = await discovery.endpoint("jwks_uri")
        async with session().get(url, timeout=_TIMEOUT) as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json(content_type=None)
            return data

    return fetch


async def stop(task: asyncio.Task[Any] | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
