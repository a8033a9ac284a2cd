"""Opaque access tokens, checked at the provider's introspection endpoint (RFC 7662).

The call authenticates as our client (client_secret_basic through authlib); answers are cached
briefly (never past the token's `exp`), keyed by the token's SHA-256, so a busy client costs one
introspection per token and cache period rather than one per request.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from authlib.integrations.httpx_client import AsyncOAuth2Client

from auth.errors import AuthError
from auth.tokens import check_audience, check_bearer, check_times, numeric_date
from i18n import _

Endpoint = Callable[[], Awaitable[str]]


class Introspector:
    def __init__(
        self,
        client: Callable[[], AsyncOAuth2Client],
        endpoint: Endpoint,
        *,
        issuer: str,
        audience: str,
        cache_seconds: float,
        leeway: int,
        max_entries: int = 10_000,
    ) -> None:
        self._client = client
        self._endpoint = endpoint
        self.issuer = issuer
        self.audience = audience
        self._cache_seconds = cache_seconds
        self._leeway = leeway
        self._max_entries = max_entries
        self._cache: OrderedDict[str, tuple[float, dict[str, Any] | None]] = OrderedDict()
        self.calls = 0

    async def validate(self, token: str) -> dict[str, Any]:
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            claims = cached[1]
        else:
            claims = await self._ask(token)
            ttl = self._cache_seconds
            with contextlib.suppress(AuthError):  # check_times below refuses a bad exp
                exp = numeric_date(claims or {}, "exp")
                if exp is not None:
                    ttl = min(ttl, max(0.0, exp - time.time()))
            self._cache[key] = (now + ttl, claims)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        if claims is None:
            raise AuthError(_("Token is not active (introspection)"))
        check_times(claims, self._leeway)
        check_bearer(claims)
        return claims

    async def _ask(self, token: str) -> dict[str, Any] | None:
        self.calls += 1
        try:
            response = await self._client().introspect_token(
                await self._endpoint(),
                token=token,
                token_type_hint="access_token",  # noqa: S106
            )
        except Exception as exc:
            raise AuthError(
                _("Token introspection failed: {exc}", exc=exc),
                status=503,
                code="SERVICE_UNAVAILABLE",
            ) from exc
        if response.status_code != 200:
            raise AuthError(
                _(
                    "Token introspection answered HTTP {status_code}",
                    status_code=response.status_code,
                ),
                status=503,
                code="SERVICE_UNAVAILABLE",
            )
        data: dict[str, Any] = response.json()
        if not data.get("active"):
            return None
        if data.get("iss", self.issuer) != self.issuer:
            raise AuthError(_("Introspected token comes from another issuer"))
        check_audience(data, self.audience)
        if not data.get("sub"):
            raise AuthError(_("Introspected token has no subject"))
        data.setdefault("iss", self.issuer)
        return data
