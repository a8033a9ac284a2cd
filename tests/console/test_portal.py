"""In a real browser: a department admin applies for standard portal components, the platform
operator approves them, she places one on the department's portal, configures it (a bad
setting refused at its field), publishes, picks the theme; a staff member sees it running on
her portal in the department's colours; a draft kept in the browser cannot overwrite a version
published meanwhile; a new version is rolled back to the one before; a role's default and her
own layout; axe-checked at 1024 px. Last, a department that registers in the browser gets
approved and builds its own portal the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Page, expect

from server.demo_notices import HOLIDAY, MEETING
from tests.console.support import (
    WIDTH,
    Browsing,
    chromium,
    demo_server,
    require_browser,
    screens_folder,
    serious_violations,
    sign_in,
)

NOTICES = "公共信息 Public notices"
PUBLICATIONS = "信息刊物 Publications"


@dataclass
class Portal:
    browsing: Browsing
    pages: dict[str, Page] = field(default_factory=dict)


@pytest.fixture(scope="class")
async def portal(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> AsyncIterator[Portal]:
    require_browser()
    tmp = tmp_path_factory.mktemp("portal")
    async with demo_server(tmp, redis_url) as base, chromium(base, screens_folder(tmp)) as browsing:
        yield Portal(browsing)


async def fits_the_width(page: Page) -> None:
    """Usable at 1024 px: nothing runs off the right edge."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= WIDTH


async def open_editor(page: Page) -> None:
    """The editor is one click from the portal (the top bar has one entry for both)."""
    await page.get_by_role("link", name="门户", exact=True).click()
    await page.get_by_role("link", name="门户设计").click()
    await expect(page.get_by_role("heading", name="门户设计")).to_be_visible()


async def approve(operator: Page, tenant: str, *names: str) -> None:
    """The platform operator approves a department's service applications (按需申请)."""
    await operator.reload()
    await operator.get_by_role("tab", name="服务申请").click()
    table = operator.get_by_test_id("service-applications")
    for name in names:
        row = table.locator("tr", has_text=name).filter(has_text=f"({tenant})")
        await row.get_by_role("button", name="批准").click()
        await expect(row).to_contain_text("已批准")


async def open_staff_portal(portal: Portal) -> Page:
    page = portal.pages.get("li.na") or await portal.browsing.person("jxw/li.na")
    portal.pages["li.na"] = page
    await page.get_by_role("link", name="门户", exact=True).click()
    await page.reload()
    await expect(page.get_by_test_id("portal")).to_be_visible()
    return page


@pytest.mark.slow
@pytest.mark.steps
class TestAnAdminPlacesPortalComponents:
    async def test_she_applies_for_standard_components(self, portal: Portal) -> None:
        page = await portal.browsing.person("jxw/admin")
        portal.pages["admin"] = page
        await open_editor(page)
        catalogue = page.get_by_test_id("catalogue")
        for name in (NOTICES, PUBLICATIONS):
            await catalogue.get_by_role("button", name=f"申请开通 {name}").click()
            await expect(catalogue.locator(f'[data-catalogue="{name}"]')).to_contain_text(
                "申请审核中"
            )

    async def test_the_operator_approves_them(self, portal: Portal) -> None:
        operator = await portal.browsing.person("platform/operator")
        portal.pages["operator"] = operator
        await open_editor(operator)
        await approve(operator, "jxw", NOTICES, PUBLICATIONS)
        assert await serious_violations(operator) == []

    async def test_she_places_one_and_a_bad_setting_is_refused_at_its_field(
        self, portal: Portal
    ) -> None:
        page = portal.pages["admin"]
        await page.reload()
        entry = page.locator(f'[data-catalogue="{NOTICES}"]')
        await expect(entry).to_contain_text("已开通")
        await entry.drag_to(page.locator('[data-column="1"]'))
        placed = page.locator('[data-column="1"] [data-placement]')
        await expect(placed).to_have_count(1)
        settings = page.get_by_test_id("placement-settings")
        await settings.locator("#root_pageSize").fill("99")
        await page.get_by_role("button", name="发布", exact=True).click()
        await expect(settings.locator('[data-field-error="settings.pageSize"]')).to_contain_text(
            "maximum of 50"
        )
        await expect(placed).to_have_class("placed selected has-error")
        await expect(page.get_by_role("status")).to_have_text("")

    async def test_she_configures_it_and_publishes(self, portal: Portal) -> None:
        page = portal.pages["admin"]
        settings = page.get_by_test_id("placement-settings")
        await settings.locator("#root_pageSize").fill("5")
        await settings.locator("#root_category").fill("会议通知")
        await settings.get_by_label("显示标题").fill("会议通知")
        await page.get_by_role("button", name="发布", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("已发布第 1 版")
        await expect(page.locator(".problems")).to_have_count(0)
        await page.locator('[data-placement="公共信息 Public notices"] button').first.click()
        await expect(settings.locator("#root_pageSize")).to_have_value("5")
        await fits_the_width(page)
        assert await serious_violations(page) == []
        await page.evaluate("window.scrollTo(0, 0)")
        await portal.browsing.screenshot(page, "portal-editor")

    async def test_she_picks_the_theme_a_bad_colour_refused_at_its_field(
        self, portal: Portal
    ) -> None:
        page = portal.pages["admin"]
        await page.get_by_role("tab", name="主题").click()
        form = page.get_by_test_id("theme-form")
        await form.get_by_label("主色", exact=True).fill("#12345")
        await form.get_by_role("button", name="保存").click()
        await expect(form.locator('[data-field-error="primaryColor"]')).to_contain_text(
            "不是 CSS 十六进制颜色"
        )
        await form.get_by_label("主色", exact=True).fill("#8a1c1c")
        await form.get_by_role("button", name="保存").click()
        await expect(form.get_by_role("status")).to_have_text("已保存")
        await expect(form.get_by_role("alert")).to_have_count(0)
        assert await serious_violations(page) == []
        await page.get_by_role("tab", name="布局").click()

    async def test_a_staff_member_sees_it_running_on_her_portal(self, portal: Portal) -> None:
        page = await open_staff_portal(portal)
        widget = page.get_by_role("article", name="会议通知")
        await expect(widget).to_contain_text(MEETING)
        await expect(widget).not_to_contain_text(HOLIDAY)
        await expect(page.get_by_test_id("portal")).to_contain_text("单位门户 第 1 版")
        border = await widget.evaluate("e => getComputedStyle(e).borderTopColor")
        assert border == "rgb(138, 28, 28)"
        await fits_the_width(page)
        assert await serious_violations(page) == []
        await portal.browsing.screenshot(page, "portal")

    async def test_a_draft_stays_in_the_browser_and_cannot_overwrite_a_newer_version(
        self, portal: Portal
    ) -> None:
        page = portal.pages["admin"]
        await page.get_by_role("button", name="移除 会议通知").click()
        await page.get_by_role("button", name="保存草稿").click()
        await page.reload()
        await expect(page.get_by_test_id("draft-badge")).to_be_visible()
        await expect(page.locator("[data-placement]")).to_have_count(0)
        colleague = await portal.browsing.person("jxw/admin")
        await open_editor(colleague)
        await colleague.get_by_role("button", name="发布", exact=True).click()
        await expect(colleague.get_by_role("status")).to_have_text("已发布第 2 版")
        await page.get_by_role("button", name="发布", exact=True).click()
        await expect(page.get_by_role("alert")).to_contain_text("版本 2，您提交的是 1")
        await page.get_by_role("button", name="放弃草稿").click()
        await expect(page.locator("[data-placement]")).to_have_count(1)
        await expect(page.get_by_text("当前第 2 版")).to_be_visible()

    async def test_a_new_version_is_rolled_back_to_the_one_before(self, portal: Portal) -> None:
        page = portal.pages["admin"]
        await page.get_by_role("button", name=f"放置 {PUBLICATIONS}").click()
        await page.get_by_role("button", name=f"右移 {PUBLICATIONS}").click()
        await page.get_by_role("button", name="发布", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("已发布第 3 版")
        staff = await open_staff_portal(portal)
        await expect(staff.get_by_role("article", name=PUBLICATIONS)).to_contain_text("政务信息")
        await page.get_by_role("button", name="回滚到第 2 版").click()
        await expect(page.get_by_role("status")).to_have_text("已回滚，发布为第 4 版")
        history = page.get_by_test_id("layout-history")
        await expect(history.locator("tr[data-version]")).to_have_count(4)
        await expect(history.locator('tr[data-version="4"]')).to_contain_text("恢复自第 2 版")
        staff = await open_staff_portal(portal)
        await expect(staff.get_by_test_id("portal")).to_contain_text("单位门户 第 4 版")
        await expect(staff.get_by_role("article", name="会议通知")).to_be_visible()
        await expect(staff.get_by_role("article", name=PUBLICATIONS)).to_have_count(0)

    async def test_a_role_default_applies_to_those_who_hold_the_role(self, portal: Portal) -> None:
        page = portal.pages["admin"]
        await page.get_by_test_id("target").select_option(
            label="角色布局：办公室主任 (office director)"
        )
        await page.get_by_role("button", name=f"放置 {PUBLICATIONS}").click()
        await page.get_by_role("button", name="保存", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("已保存")
        staff = await open_staff_portal(portal)
        await expect(staff.get_by_test_id("portal")).to_have_attribute("data-source", "ROLE")
        await expect(staff.get_by_role("article", name=PUBLICATIONS)).to_contain_text("政务信息")
        await expect(staff.get_by_role("article", name="会议通知")).to_have_count(0)

    async def test_a_staff_member_saves_her_own_layout(self, portal: Portal) -> None:
        page = portal.pages["li.na"]
        await open_editor(page)
        await expect(page.get_by_test_id("target")).to_have_value("mine")
        await page.get_by_role("button", name=f"放置 {NOTICES}").click()
        await page.get_by_role("button", name="保存", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("已保存")
        assert await serious_violations(page) == []
        page = await open_staff_portal(portal)
        await expect(page.get_by_test_id("portal")).to_have_attribute("data-source", "USER")
        await expect(page.get_by_role("article", name=NOTICES)).to_contain_text(HOLIDAY)
        await expect(page.get_by_role("article", name=PUBLICATIONS)).to_have_count(0)

    async def test_the_portal_and_its_designer_speak_english_too(self, portal: Portal) -> None:
        page = portal.pages["li.na"]
        await page.get_by_label("语言").select_option("en")
        await expect(page.get_by_test_id("portal")).to_contain_text("My own layout")
        await page.get_by_role("link", name="Portal designer").click()
        await expect(page.get_by_role("heading", name="Portal designer")).to_be_visible()
        await expect(page.get_by_test_id("catalogue")).to_contain_text("Public information")
        await page.get_by_label("Language").select_option("zh-CN")
        await expect(page.get_by_role("heading", name="门户设计")).to_be_visible()

    async def test_a_department_registered_in_the_browser_builds_its_portal_too(
        self, portal: Portal
    ) -> None:
        page = await portal.browsing.anonymous()
        await page.locator("summary", has_text="申请开通").click()
        fields = {
            "code": "fgw",
            "name": "市发展和改革委员会",
            "applicantName": "赵敏",
            "applicantEmail": "zhao.min@fgw.example",
            "adminUsername": "zhao.min",
        }
        for name, value in fields.items():
            await page.locator(f'input[name="{name}"]').fill(value)
        await page.get_by_role("button", name="提交申请").click()
        await expect(page.get_by_role("status")).to_have_text("申请已提交，等待审核。")
        operator = portal.pages["operator"]
        await operator.get_by_role("link", name="系统管理").click()
        row = operator.get_by_test_id("applications").locator("tr", has_text="fgw")
        await row.get_by_role("button", name="批准").click()
        await expect(row).to_contain_text("已批准")
        await page.reload()
        await sign_in(page, "fgw/zhao.min")
        await open_editor(page)
        await page.get_by_role("button", name=f"申请开通 {NOTICES}").click()
        await open_editor(operator)
        await approve(operator, "fgw", NOTICES)
        await page.reload()
        await page.get_by_role("button", name=f"放置 {NOTICES}").click()
        await page.get_by_role("button", name="发布", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("已发布第 1 版")
        await page.get_by_role("link", name="门户", exact=True).click()
        await expect(page.get_by_test_id("portal")).to_contain_text("单位门户 第 1 版")
        await expect(page.get_by_role("article", name=NOTICES)).to_be_visible()
