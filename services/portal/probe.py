"""Calling an external resource to test it (资源接入 "test connection") without becoming a way
into the internal network (SSRF).

The host name is resolved once, every address it resolves to is checked, and the connection
goes to exactly those addresses (a pinned resolver), so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot redirect it. Redirects are not followed, proxies
from the environment are ignored, the whole call is time-boxed and the body read is capped.
Outside dev mode only public (globally routable) addresses are called; dev mode also allows
loopback. Private, link-local, multicast and reserved ranges are refused in every mode.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from i18n import _
from services.errors import Code, ServiceError

TIMEOUT_SECONDS = 5.0
MAX_BODY_BYTES = 64 * 1024
SHOWN_BODY_CHARS = 4000
USER_AGENT = "Officecloud-resource-check/1"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[ResolveResult]]]


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    checked_at: str
    elapsed_ms: int
    url: str
    address: str | None = None
    status: int | None = None
    content_type: str | None = None
    body: str = ""
    body_bytes: int = 0
    truncated: bool = False
    location: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def url_problem(value: str, *, allow_loopback: bool) -> str | None:
    """Why an endpoint URL cannot be used, judged without DNS (literal addresses only)."""
    try:
        url = URL(value)
    except (ValueError, TypeError):
        return "is not a URL"
    if url.scheme not in ("http", "https") or not url.host:
        return "must be an absolute http:// or https:// URL"
    if any(c.isspace() for c in value):
        return "must not contain spaces"
    host = url.host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return None if allow_loopback else "names this machine (localhost)"
    literal = _literal(host)
    if literal is not None:
        reason = refusal(literal, allow_loopback=allow_loopback)
        return f"points at {literal}, {reason}" if reason else None
    return None


def refusal(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why this address may not be called, or None."""
    for candidate in _embedded(address):
        if candidate.is_unspecified:
            return "an unspecified address (it reaches this machine)"
        if candidate.is_loopback:
            if allow_loopback:
                continue
            return "a loopback address (allowed only in dev mode)"
        if candidate.is_link_local:
            return "a link-local address"
        if candidate.is_multicast:
            return "a multicast address"
        if candidate.is_private:
            return "a private address"
        if candidate.is_reserved or not candidate.is_global:
            return "a reserved address"
    return None


async def check(
    endpoint: str,
    *,
    method: str = "GET",
    body: Any = None,
    allow_loopback: bool,
    resolve: Resolve | None = None,
) -> ConnectionCheck:
    """Call the endpoint and report what came back. Refused addresses raise a ServiceError
    (nothing is sent); network failures are part of the report. `resolve` replaces the
    system's name resolution (tests)."""
    problem = url_problem(endpoint, allow_loopback=allow_loopback)
    if problem:
        raise ServiceError.of(
            Code.FORBIDDEN, _("The endpoint URL {problem}; it is not called", problem=problem)
        )
    url = URL(endpoint)
    host = url.host or ""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            addresses = await (resolve or system_resolve)(host, url.port or 0)
            for answer in addresses:
                reason = refusal(
                    ipaddress.ip_address(answer["host"]), allow_loopback=allow_loopback
                )
                if reason:
                    raise ServiceError.of(
                        Code.FORBIDDEN,
                        _(
                            "{host} resolves to {answer_host}, {reason}; it is not called",
                            host=host,
                            answer_host=answer["host"],
                            reason=reason,
                        ),
                    )
            return await fetch(url, method, body, addresses, started)
    except TimeoutError:
        return _failed(url, started, f"No answer within {TIMEOUT_SECONDS:g} s")
    except socket.gaierror as exc:
        return _failed(url, started, f"The host name could not be resolved: {exc.strerror}")
    except (aiohttp.ClientError, OSError) as exc:
        return _failed(url, started, f"{type(exc).__name__}: {exc}")


async def fetch(
    url: URL, method: str, body: Any, addresses: list[ResolveResult], started: float
) -> ConnectionCheck:
    """One request to `url`, connecting only to `addresses` (already checked), one after the
    other: the last address tried is the one that answered."""
    attempts: list[str] = []

    def open_socket(info: AddrInfoType) -> socket.socket:
        family, kind, proto, _, sockaddr = info
        attempts.append(str(sockaddr[0]))
        return socket.socket(family, kind, proto)

    connector = aiohttp.TCPConnector(
        resolver=PinnedResolver(url.host or "", addresses),
        use_dns_cache=False,
        force_close=True,
        limit=1,
        happy_eyeballs_delay=None,
        socket_factory=open_socket,
    )
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    async with (
        aiohttp.ClientSession(
            connector=connector, timeout=timeout, trust_env=False, auto_decompress=False
        ) as session,
        session.request(
            method,
            url,
            headers=headers,
            json=body if method == "POST" and body is not None else None,
            allow_redirects=False,
        ) as response,
    ):
        data = bytearray()
        async for chunk in response.content.iter_chunked(16 * 1024):
            data += chunk
            if len(data) > MAX_BODY_BYTES:
                break
        text = _text(bytes(data[:MAX_BODY_BYTES]), response.charset)
        return ConnectionCheck(
            ok=response.status < 400,
            checked_at=datetime.now(UTC).isoformat(),
            elapsed_ms=_elapsed(started),
            url=str(url),
            address=attempts[-1] if attempts else None,
            status=response.status,
            content_type=response.headers.get("Content-Type"),
            body=text[:SHOWN_BODY_CHARS],
            body_bytes=min(len(data), MAX_BODY_BYTES),
            truncated=len(data) > MAX_BODY_BYTES or len(text) > SHOWN_BODY_CHARS,
            location=response.headers.get("Location"),
        )


class PinnedResolver(AbstractResolver):
    """Answers only for the checked host, with the checked addresses."""

    def __init__(self, host: str, addresses: list[ResolveResult]) -> None:
        self._host = host
        self._addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host != self._host:
            raise OSError(f"{host} was not checked; it is not called")
        return [{**a, "hostname": host, "port": port} for a in self._addresses]

    async def close(self) -> None:
        return None


async def system_resolve(host: str, port: int) -> list[ResolveResult]:
    literal = _literal(host)
    if literal is not None:
        family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        return [resolved(host, str(literal), port, family)]
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    results = []
    for family, *_rest, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            results.append(resolved(host, str(sockaddr[0]).split("%", 1)[0], port, family))
    if not results:
        raise socket.gaierror(socket.EAI_NONAME, "no IPv4 or IPv6 address")
    return results


def resolved(host: str, address: str, port: int, family: int) -> ResolveResult:
    return {
        "hostname": host,
        "host": address,
        "port": port,
        "family": family,
        "proto": socket.IPPROTO_TCP,
        "flags": socket.AI_NUMERICHOST,
    }


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The address and any IPv4 address carried inside an IPv6 one (mapped, 6to4, Teredo)."""
    found: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            found.append(address.ipv4_mapped)
        if address.sixtofour:
            found.append(address.sixtofour)
        if address.teredo:
            found.extend(address.teredo)
    return found


def _text(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _elapsed(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _failed(url: URL, started: float, error: str) -> ConnectionCheck:
    return ConnectionCheck(
        ok=False,
        checked_at=datetime.now(UTC).isoformat(),
        elapsed_ms=_elapsed(started),
        url=str(url),
        error=error,
    )
