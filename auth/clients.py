"""Who calls from where, and how often: the client's address (believing `X-Forwarded-For` only
from trusted proxies) and fixed-window rate limits per address, counted in Redis when the
server runs on it (so every process shares one count) and in this process otherwise."""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(values: Iterable[str]) -> list[Network]:
    """`10.0.0.0/8`, `127.0.0.1`, `::1`… as networks (a bare address is a /32 or /128)."""
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values]


def client_address(peer: str | None, forwarded_for: str | None, trusted: list[Network]) -> str:
    """The address of the client: the peer, unless the peer is a trusted proxy; then the
    nearest address in `X-Forwarded-For` (read from the right) that is not a trusted proxy.
    Entries a client wrote itself (further left) are never believed."""
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    address = peer or ""
    while hops and _trusted(address, trusted):
        address = hops.pop()
    return address


def _trusted(address: str, trusted: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


@dataclass(frozen=True)
class Rule:
    limit: int
    window_seconds: int


class RateLimiter:
    """`await hit(rule, key)`: None while the key stays within the rule in the current window,
    else the seconds until the window ends (the client's Retry-After)."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        redis_url: str | None = None,
        namespace: str = "officecloud",
    ) -> None:
        self.rules = dict(rules)
        self.namespace = namespace
        self._redis: Redis | None = Redis.from_url(redis_url) if redis_url else None
        self._windows: dict[str, tuple[int, dict[str, int]]] = {}
        """In-process counts: rule -> (current window, count per key); older windows go."""

    async def hit(self, rule_name: str, key: str, *, now: float | None = None) -> int | None:
        return await self.hit_rule(rule_name, self.rules[rule_name], key, now=now)

    async def hit_rule(
        self, rule_name: str, rule: Rule, key: str, *, now: float | None = None
    ) -> int | None:
        """`hit` with a rule of the caller's (a limit that differs per key, say)."""
        now = time.time() if now is None else now
        window = int(now // rule.window_seconds)
        if self._redis is None:
            current, counts = self._windows.get(rule_name, (window, {}))
            counts = counts if current == window else {}
            counts[key] = count = counts.get(key, 0) + 1
            self._windows[rule_name] = (window, counts)
        else:
            name = f"{self.namespace}:rate:{rule_name}:{window}:{key}"
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, rule.window_seconds)
                results: list[Any] = await pipe.execute()
            count = int(results[0])
        if count <= rule.limit:
            return None
        return max(1, math.ceil((window + 1) * rule.window_seconds - now))

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
