"""The resource probe's pieces: why a URL or address is refused (exact words), name resolution
and the pinned resolver, charsets, the body caps at their edges and failures reported. Only
127.0.0.1 is ever called, on a server started here."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import ResolveResult
from aiohttp.test_utils import TestServer

from services.errors import ServiceError
from services.portal import probe


@pytest.mark.parametrize(
    ("url", "loopback", "problem"),
    [
        ("https://example.gov.cn/feed", False, None),
        ("http://[", False, "is not a URL"),
        ("mailto:x@example.gov.cn", False, "must be an absolute http:// or https:// URL"),
        ("http:///path", False, "must be an absolute http:// or https:// URL"),
        ("https://example.gov.cn/a b", False, "must not contain spaces"),
        ("http://localhost:8080/x", False, "names this machine (localhost)"),
        ("http://LOCALHOST./x", False, "names this machine (localhost)"),
        ("http://app.localhost/x", False, "names this machine (localhost)"),
        ("http://localhost:8080/x", True, None),
        ("http://app.localhost/x", True, None),
        ("http://notlocalhost.example/x", False, None),
        ("http://127.0.0.1/", True, None),
        (
            "http://127.0.0.1/",
            False,
            "points at 127.0.0.1, a loopback address (allowed only in dev mode)",
        ),
        ("http://[::ffff:10.1.2.3]/", True, "points at ::ffff:a01:203, a private address"),
        ("http://8.8.8.8/", False, None),
    ],
)
def test_url_problems(url: str, loopback: bool, problem: str | None) -> None:
    assert probe.url_problem(url, allow_loopback=loopback) == problem


@pytest.mark.parametrize(
    ("address", "loopback", "reason"),
    [
        ("0.0.0.0", True, "an unspecified address (it reaches this machine)"),  # noqa: S104
        ("127.0.0.1", False, "a loopback address (allowed only in dev mode)"),
        ("127.0.0.1", True, None),
        ("::1", True, None),
        ("169.254.1.1", True, "a link-local address"),
        ("239.1.1.1", True, "a multicast address"),
        ("192.168.1.1", True, "a private address"),
        ("240.0.0.1", True, "a private address"),
        ("100.64.0.1", True, "a reserved address"),
        ("::ffff:127.0.0.1", True, "a private address"),  # mapped: refused in every mode
        ("2001:0:4136:e378:8000:63bf:f5fe:fffe", True, "a private address"),
        ("2002:c0a8:0101::1", True, "a private address"),
        ("1.1.1.1", False, None),
    ],
)
def test_address_refusals(address: str, loopback: bool, reason: str | None) -> None:
    assert probe.refusal(ipaddress.ip_address(address), allow_loopback=loopback) == reason


def test_embedded_addresses_are_checked_too() -> None:
    teredo = ipaddress.ip_address("2001:0:4136:e378:8000:63bf:3fff:fdd2")
    assert [str(a) for a in probe._embedded(teredo)] == [
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "65.54.227.120",
        "192.0.2.45",
    ]
    six_to_four = ipaddress.ip_address("2002:0a00:0001::1")
    assert [str(a) for a in probe._embedded(six_to_four)] == ["2002:a00:1::1", "10.0.0.1"]
    mapped = ipaddress.ip_address("::ffff:8.8.8.8")
    assert [str(a) for a in probe._embedded(mapped)] == ["::ffff:808:808", "8.8.8.8"]
    assert probe._embedded(ipaddress.ip_address("8.8.8.8")) == [ipaddress.ip_address("8.8.8.8")]


async def test_system_resolution_answers_literals_without_dns() -> None:
    assert await probe.system_resolve("127.0.0.1", 80) == [
        {
            "hostname": "127.0.0.1",
            "host": "127.0.0.1",
            "port": 80,
            "family": socket.AF_INET,
            "proto": socket.IPPROTO_TCP,
            "flags": socket.AI_NUMERICHOST,
        }
    ]
    six = await probe.system_resolve("[::1]", 443)
    assert [(a["host"], a["port"], a["family"]) for a in six] == [("::1", 443, socket.AF_INET6)]
    named = await probe.system_resolve("localhost", 8080)
    assert named
    assert {a["family"] for a in named} <= {socket.AF_INET, socket.AF_INET6}
    assert all(a["hostname"] == "localhost" and a["port"] == 8080 for a in named)
    assert all(ipaddress.ip_address(a["host"]).is_loopback for a in named)


async def test_the_pinned_resolver_answers_only_for_the_checked_host() -> None:
    answers = [probe.resolved("feed.test", "127.0.0.1", 0, socket.AF_INET)]
    pinned = probe.PinnedResolver("feed.test", answers)
    assert await pinned.resolve("feed.test", 8443) == [
        {**answers[0], "hostname": "feed.test", "port": 8443}
    ]
    with pytest.raises(OSError, match=r"^other\.test was not checked; it is not called$"):
        await pinned.resolve("other.test", 80)
    assert await pinned.close() is None


def test_text_falls_back_to_utf8() -> None:
    assert probe._text("状态".encode(), None) == "状态"
    assert probe._text("状态".encode("gbk"), "gbk") == "状态"
    assert probe._text("状态".encode(), "no-such-charset") == "状态"
    assert probe._text(b"\xff", "utf-8") == "\ufffd"


class Sized:
    """Answers with a body of the asked size, in the asked charset."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, Any]] = []
        self.headers: list[tuple[str | None, str | None]] = []
        app = web.Application()
        app.router.add_route("*", "/size/{n}", self.size)
        app.router.add_get("/missing", self.missing)
        app.router.add_get("/status/{n}", self.status)
        self.server = TestServer(app, host="127.0.0.1")

    async def size(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.bodies.append((request.method, body or None))
        self.headers.append(
            (request.headers.get("User-Agent"), request.headers.get("Accept-Encoding"))
        )
        return web.Response(text="é" * int(request.match_info["n"]), charset="latin-1")

    async def missing(self, request: web.Request) -> web.Response:
        return web.Response(status=404, text="gone")

    async def status(self, request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["n"]), text="")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"


@pytest.fixture
async def sized() -> AsyncIterator[Sized]:
    service = Sized()
    await service.server.start_server()
    yield service
    await service.server.close()


async def test_the_body_is_capped_at_its_edges(sized: Sized) -> None:
    async def check(n: int) -> tuple[int, int, bool]:
        result = await probe.check(sized.url(f"/size/{n}"), allow_loopback=True)
        assert result.ok
        return len(result.body), result.body_bytes, result.truncated

    assert await check(4000) == (4000, 4000, False)
    assert await check(4001) == (4000, 4001, True)
    assert await check(64 * 1024) == (4000, 64 * 1024, True)
    assert await check(64 * 1024 + 1) == (4000, 64 * 1024, True)
    small = await probe.check(sized.url("/size/3"), allow_loopback=True)
    assert (small.body, small.content_type, small.location) == (
        "ééé",
        "text/plain; charset=latin-1",
        None,
    )
    assert small.url == sized.url("/size/3")
    assert small.checked_at.endswith("+00:00")


async def test_only_a_post_sends_the_example(sized: Sized) -> None:
    await probe.check(sized.url("/size/1"), method="POST", body={"n": 1}, allow_loopback=True)
    await probe.check(sized.url("/size/1"), method="POST", allow_loopback=True)
    await probe.check(sized.url("/size/1"), method="GET", body={"n": 2}, allow_loopback=True)
    assert sized.bodies == [("POST", b'{"n": 1}'), ("POST", None), ("GET", None)]
    assert sized.headers == [("Officecloud-resource-check/1", "identity")] * 3
    missing = await probe.check(sized.url("/missing"), allow_loopback=True)
    assert (missing.ok, missing.status, missing.body) == (False, 404, "gone")
    for status, ok in ((399, True), (400, False)):
        answered = await probe.check(sized.url(f"/status/{status}"), allow_loopback=True)
        assert (answered.status, answered.ok) == (status, ok)
    at_limit = await probe.check(sized.url("/size/0"), allow_loopback=True)
    assert (at_limit.ok, at_limit.body_bytes, at_limit.truncated) == (True, 0, False)


async def test_failures_are_reported_not_raised() -> None:
    async def unknown(host: str, port: int) -> list[ResolveResult]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = await probe.check("http://nowhere.test/x", allow_loopback=True, resolve=unknown)
    assert (result.ok, result.status, result.address, result.url) == (
        False,
        None,
        None,
        "http://nowhere.test/x",
    )
    assert result.error == "The host name could not be resolved: Name or service not known"
    assert (result.body, result.body_bytes, result.truncated) == ("", 0, False)

    async def broken(host: str, port: int) -> list[ResolveResult]:
        raise ConnectionResetError("reset by peer")

    reset = await probe.check("http://broken.test/x", allow_loopback=True, resolve=broken)
    assert reset.error == "ConnectionResetError: reset by peer"

    asked: list[tuple[str, int]] = []

    async def private(host: str, port: int) -> list[ResolveResult]:
        asked.append((host, port))
        return [probe.resolved(host, "10.9.8.7", port, socket.AF_INET)]

    with pytest.raises(ServiceError) as refused:
        await probe.check("https://intra.test/x", allow_loopback=True, resolve=private)
    assert [(p.code.value, p.message) for p in refused.value.problems] == [
        (
            "FORBIDDEN",
            "intra.test resolves to 10.9.8.7, a private address; it is not called",
        )
    ]
    await probe.check("http://intra.test:8123/", allow_loopback=True, resolve=unknown)
    with pytest.raises(ServiceError):
        await probe.check("http://intra.test:8123/", allow_loopback=True, resolve=private)
    assert asked == [("intra.test", 443), ("intra.test", 8123)]
