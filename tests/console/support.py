"""A demo server for the browser tests (PostgreSQL and Redis, `officecloud demo` then `serve`),
Debian's chromium driven by Playwright (no browser download), signing in as a demo account,
axe-core's check, and screenshots."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from aiohttp import ClientSession
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.conftest import PG_ADMIN_URL
from tests.processes import budget, env_for, free_port, run, serving

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist" / "index.html"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
#: Set to a folder (docs/screens) to keep the screenshots; otherwise they go to a temp folder.
SCREENS_ENV = "OFFICECLOUD_SCREENS"
WIDTH, HEIGHT = 1024, 768
expect.set_options(timeout=budget(10) * 1000)


def require_browser() -> None:
    """Skipped on a machine without the console build or chromium; CI has both (`make test`)."""
    missing = [str(p) for p in (DIST, AXE, CHROMIUM) if not p.exists()]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests need {', '.join(missing)} (make test builds them)")
        pytest.skip(f"missing {', '.join(missing)}")


@asynccontextmanager
async def demo_server(tmp: Path, redis_url: str, **settings: str) -> AsyncIterator[str]:
    """`officecloud serve` over a fresh PostgreSQL database seeded with the demo data, with
    `settings` (`OFFICECLOUD_…` variables) on top."""
    name = f"oc_console_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = env_for(
            tmp / "data",
            DATABASE_URL=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
            REDIS_URL=redis_url,
            OFFICECLOUD_PORT=str(free_port()),
            OFFICECLOUD_OUTBOX_RELAY_INTERVAL_SECONDS="0.2",
            OFFICECLOUD_OUTBOX_RELAY_GRACE_SECONDS="0.5",
            **settings,
        )
        run(env, "migrate")
        run(env, "demo")
        async with serving(env) as base:
            yield base
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@dataclass
class Browsing:
    base: str
    browser: Browser
    screens: Path
    contexts: list[BrowserContext] = field(default_factory=list)

    async def anonymous(self) -> Page:
        """A fresh browser context (its own session) on the sign-in page."""
        context = await self.browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.set_default_timeout(budget(10) * 1000)
        self.contexts.append(context)
        page = await context.new_page()
        await page.goto(self.base + "/")
        return page

    async def person(self, account: str) -> Page:
        """A fresh browser context signed in as `tenant/username`."""
        page = await self.anonymous()
        await sign_in(page, account)
        return page

    async def screenshot(self, page: Page, name: str) -> None:
        await page.screenshot(path=str(self.screens / f"{name}.png"))


async def sign_in(page: Page, account: str) -> None:
    await page.click(f'[data-account="{account}"]')
    await page.wait_for_selector('[data-testid="viewer"]:not(:empty)')


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name="退出").click()
    await page.wait_for_selector("[data-account]")


async def api(base: str, account: str, query: str, **variables: Any) -> dict[str, Any]:
    """One GraphQL request over HTTP as a demo account (`tenant/username`, a dev token), for
    what the console has no screen for; fails on a GraphQL error."""
    tenant, username = account.split("/")
    async with ClientSession() as http:
        answer = await http.post(
            f"{base}/auth/dev/token", json={"tenant": tenant, "username": username}
        )
        token = (await answer.json())["token"]
        answer = await http.post(
            f"{base}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = await answer.json()
    assert "errors" not in body, body
    return cast(dict[str, Any], body["data"])


async def overflows(page: Page) -> bool:
    """Whether the page is wider than the window (it must be usable at 1024 px)."""
    return bool(await page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


def screens_folder(tmp: Path) -> Path:
    screens = Path(os.environ.get(SCREENS_ENV) or tmp / "screens")
    screens.mkdir(parents=True, exist_ok=True)
    return screens


@asynccontextmanager
async def chromium(base: str, screens: Path) -> AsyncIterator[Browsing]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        try:
            yield Browsing(base, browser, screens)
        finally:
            await browser.close()


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A/AA rules on the page as it is; serious and critical ones only."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
