"""In a real browser (Debian's chromium): the demo 发文 runs from review to the archive in two
browser contexts, each person seeing the other's step arrive without reloading, then is
circulated (传阅) to a reader who finds it in her 待阅 box live; the main screens pass axe-core's
serious checks; the screenshots of the README come from here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Page, expect

from tests.console.support import (
    Browsing,
    chromium,
    demo_server,
    require_browser,
    screens_folder,
    serious_violations,
    sign_in,
    sign_out,
)

TITLE = "关于开展年度安全生产检查的通知"


@dataclass
class Journey:
    browsing: Browsing
    pages: dict[str, Page] = field(default_factory=dict)


@pytest.fixture(scope="class")
async def journey(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> AsyncIterator[Journey]:
    require_browser()
    tmp = tmp_path_factory.mktemp("console")
    async with demo_server(tmp, redis_url) as base, chromium(base, screens_folder(tmp)) as browsing:
        yield Journey(browsing)


async def open_document(page: Page) -> None:
    await page.get_by_role("link", name=TITLE).first.click()
    await page.wait_for_selector('[data-testid="document"]')


async def act(page: Page, action: str) -> None:
    """Press an action button and wait until the timeline shows one more entry."""
    entries = page.get_by_test_id("timeline").locator("li")
    before = await entries.count()
    await page.locator(f'button[data-action="{action}"]').first.click()
    await expect(entries).not_to_have_count(before)
    await expect(page.locator(".problems")).to_have_count(0)


@pytest.mark.slow
@pytest.mark.steps
class TestADispatchRunsToTheArchiveInTwoBrowsers:
    async def test_the_sign_in_page_offers_the_demo_accounts(self, journey: Journey) -> None:
        page = await journey.browsing.person("jxw/li.na")
        journey.pages["li.na"] = page
        await sign_out(page)
        await expect(page.locator('[data-account="jxw/chen.jun"]')).to_be_visible()
        assert await serious_violations(page) == []
        await journey.browsing.screenshot(page, "signin")
        await sign_in(page, "jxw/li.na")

    async def test_the_director_finds_the_review_in_her_todo_box(self, journey: Journey) -> None:
        page = journey.pages["li.na"]
        box = page.get_by_test_id("box-OPEN")
        await expect(box).to_contain_text(TITLE)
        await expect(box).to_contain_text("核稿")
        assert await serious_violations(page) == []
        await journey.browsing.screenshot(page, "boxes")

    async def test_the_leader_has_nothing_yet(self, journey: Journey) -> None:
        page = await journey.browsing.person("jxw/chen.jun")
        journey.pages["chen.jun"] = page
        await expect(page.get_by_text("暂无")).to_be_visible()

    async def test_the_form_follows_the_review_nodes_field_access(self, journey: Journey) -> None:
        page = journey.pages["li.na"]
        await open_document(page)
        await expect(page.get_by_test_id("doc-status")).to_have_text("办理中")
        assert await page.get_by_label("核稿意见 Review opinion").is_editable()
        assert not await page.get_by_label("签发意见 Sign-off opinion").is_editable()
        actions = page.locator("button[data-action]")
        offered = {await b.get_attribute("data-action") for b in await actions.all()}
        assert {"APPROVE", "REJECT", "RETURN"} <= offered
        assert "ARCHIVE" not in offered
        assert await serious_violations(page) == []
        await journey.browsing.screenshot(page, "document")

    async def test_her_approval_reaches_the_leaders_box_without_a_reload(
        self, journey: Journey
    ) -> None:
        page, leader = journey.pages["li.na"], journey.pages["chen.jun"]
        await page.get_by_label("核稿意见 Review opinion").fill("文字已核")
        await page.get_by_label("意见", exact=True).fill("同意，请陈局签发")
        await act(page, "APPROVE")
        await expect(page.get_by_test_id("timeline")).to_contain_text("同意，请陈局签发")
        await expect(leader.get_by_test_id("box-OPEN")).to_contain_text("签发")

    async def test_the_leaders_sign_off_shows_on_her_page_without_a_reload(
        self, journey: Journey
    ) -> None:
        page, leader = journey.pages["li.na"], journey.pages["chen.jun"]
        await open_document(leader)
        await expect(leader.get_by_label("核稿意见 Review opinion")).to_have_value("文字已核")
        await act(leader, "APPROVE")
        await expect(page.locator(".meta")).to_contain_text("编号")

    async def test_the_clerk_claims_numbers_distributes_and_archives(
        self, journey: Journey
    ) -> None:
        page, clerk = journey.pages["li.na"], journey.pages["chen.jun"]
        await sign_out(clerk)
        await sign_in(clerk, "jxw/zhang.wei")
        await clerk.get_by_role("link", name="我的工作").click()
        await open_document(clerk)
        await act(clerk, "CLAIM")
        await act(clerk, "APPROVE")
        await expect(page.locator(".meta")).to_contain_text("发字第")
        await expect(clerk.locator(".meta")).to_contain_text("分发")
        await act(clerk, "APPROVE")
        await expect(clerk.locator(".meta")).to_contain_text("归档")
        if await clerk.locator('button[data-action="CLAIM"]').count():
            await act(clerk, "CLAIM")
        await act(clerk, "APPROVE")
        await expect(clerk.get_by_test_id("document")).to_have_attribute("data-status", "ARCHIVED")

    async def test_the_director_sees_it_archived_without_a_reload(self, journey: Journey) -> None:
        page = journey.pages["li.na"]
        await expect(page.get_by_test_id("document")).to_have_attribute("data-status", "ARCHIVED")
        await expect(page.get_by_test_id("doc-status")).to_have_text("已归档")
        assert await page.locator("button[data-action]").count() == 0

    async def test_the_clerk_sends_it_to_the_district_office(self, journey: Journey) -> None:
        clerk = journey.pages["chen.jun"]
        await clerk.get_by_label("发往").select_option(
            label="海淀区科技和信息化局 (Haidian District Office of Science and IT) (hd-kxw)"
        )
        await clerk.get_by_role("button", name="发送").click()
        status = clerk.get_by_test_id("dispatch-status")
        await expect(status).to_contain_text("海淀区")
        await expect(status).to_contain_text("已送达")

    async def test_the_district_clerk_signs_and_the_sender_sees_it_live(
        self, journey: Journey
    ) -> None:
        district = await journey.browsing.person("hd-kxw/liu.yang")
        await district.get_by_role("link", name="收文箱").click()
        row = district.get_by_test_id("incoming").locator("tr", has_text=TITLE)
        await expect(row).to_contain_text("待签收")
        assert await serious_violations(district) == []
        await row.get_by_role("button", name="签收").click()
        await expect(row).to_contain_text("已签收")
        await expect(journey.pages["chen.jun"].get_by_test_id("dispatch-status")).to_contain_text(
            "已签收"
        )

    async def test_both_find_it_in_their_done_box(self, journey: Journey) -> None:
        for page in journey.pages.values():
            await page.get_by_role("link", name="我的工作").click()
            await page.get_by_role("tab", name="已办").click()
            await expect(page.get_by_test_id("box-DONE")).to_contain_text(TITLE)

    async def test_a_circulated_document_arrives_in_the_readers_toread_box_live(
        self, journey: Journey
    ) -> None:
        reader = await journey.browsing.person("jxw/wang.fang")
        journey.pages["wang.fang"] = reader
        await reader.get_by_role("tab", name="待阅").click()
        await expect(reader.get_by_text("暂无")).to_be_visible()
        page = journey.pages["li.na"]
        await open_document(page)
        await page.get_by_label("传阅给").select_option(label="王芳 (wang.fang)")
        await page.get_by_label("附言").fill("请阅知")
        await page.get_by_role("button", name="传阅", exact=True).click()
        await expect(page.get_by_test_id("circulation-status")).to_contain_text("王芳 · 未阅")
        box = reader.get_by_test_id("box-UNREAD")
        await expect(box).to_contain_text(TITLE)
        await expect(box).to_contain_text("请阅知")
        assert await serious_violations(reader) == []

    async def test_opening_it_moves_it_to_read_and_the_sender_sees_when(
        self, journey: Journey
    ) -> None:
        reader, page = journey.pages["wang.fang"], journey.pages["li.na"]
        await open_document(reader)
        await expect(reader.get_by_test_id("timeline")).to_contain_text("已阅")
        await reader.get_by_role("link", name="我的工作").click()
        await reader.get_by_role("tab", name="已阅").click()
        await expect(reader.get_by_test_id("box-READ")).to_contain_text(TITLE)
        await reader.get_by_role("tab", name="待阅").click()
        await expect(reader.get_by_text("暂无")).to_be_visible()
        await page.reload()
        read = page.get_by_test_id("circulation-status").locator('li[data-status="READ"]')
        await expect(read).to_contain_text("王芳 · 已阅")
        await expect(read.locator("time")).to_have_count(1)
