"""The console on a server that runs registered operations only
(`OFFICECLOUD_TRUSTED_DOCUMENTS_ONLY=true`): the server registered the build's manifest at start,
the console names every operation by its hash, and its screens work; anything else is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
from playwright.async_api import Page, Request, Response, WebSocket, expect

from tests.console.support import (
    Browsing,
    chromium,
    demo_server,
    require_browser,
    screens_folder,
    sign_in,
)
from tests.console.test_journey import TITLE


@pytest.fixture(scope="module")
async def browsing(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> AsyncIterator[Browsing]:
    require_browser()
    tmp = tmp_path_factory.mktemp("trusted")
    async with (
        demo_server(tmp, redis_url, OFFICECLOUD_TRUSTED_DOCUMENTS_ONLY="true") as base,
        chromium(base, screens_folder(tmp)) as found,
    ):
        yield found


def watch(page: Page) -> tuple[list[dict[str, Any]], list[Response], list[dict[str, Any]]]:
    """The bodies the page posts to /graphql, its answers, and its websocket messages (both
    ways)."""
    sent: list[dict[str, Any]] = []
    answers: list[Response] = []
    frames: list[dict[str, Any]] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framesent", lambda data: frames.append(orjson.loads(data)))
        socket.on("framereceived", lambda data: frames.append(orjson.loads(data)))

    def on_request(request: Request) -> None:
        if request.url.endswith("/graphql") and request.method == "POST" and request.post_data:
            sent.append(orjson.loads(request.post_data))

    page.on("request", on_request)
    page.on("response", lambda r: answers.append(r) if r.url.endswith("/graphql") else None)
    page.on("websocket", on_socket)
    return sent, answers, frames


@pytest.mark.slow
async def test_the_console_works_on_registered_operations_only(browsing: Browsing) -> None:
    page = await browsing.anonymous()
    sent, answers, frames = watch(page)
    await sign_in(page, "jxw/li.na")
    box = page.get_by_test_id("box-OPEN")
    await expect(box).to_contain_text(TITLE)
    await page.get_by_role("link", name=TITLE).first.click()
    await page.wait_for_selector('[data-testid="document"]')
    await expect(page.get_by_test_id("timeline").locator("li").first).to_be_visible()
    await expect(page.locator(".problems")).to_have_count(0)
    assert sent, "the console sent no operation"
    assert all("query" not in body for body in sent), [b.get("query") for b in sent]
    assert all(body["extensions"]["persistedQuery"]["sha256Hash"] for body in sent)
    assert [r.status for r in answers if r.status != 200] == []
    subscribed = [f["payload"] for f in frames if f["type"] == "subscribe"]
    assert subscribed, "the page subscribed to nothing"
    assert all(not p.get("query") and p["extensions"]["persistedQuery"] for p in subscribed)
    assert [f for f in frames if f["type"] == "error"] == []


@pytest.mark.slow
async def test_an_operation_not_in_the_manifest_is_refused(browsing: Browsing) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            browsing.base + "/graphql", json={"query": "{ viewer { user { id } } }"}
        ) as response,
    ):
        body = await response.json()
    assert response.status == 400
    [error] = body["errors"]
    assert error["extensions"] == {"code": "PERSISTED_QUERY_REQUIRED"}
    assert error["message"] == "本服务器只运行已登记的操作"
