"""In a real browser: a department admin builds a form in the designer (palette, properties,
publish with the server's error shown at its field, and the design loads back the same), and
the flow designer (bpmn-js) loads a flow's BPMN and saves it back through `importBpmn`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Locator, Page, expect

from tests.console.support import (
    Browsing,
    chromium,
    demo_server,
    require_browser,
    screens_folder,
    serious_violations,
)


@dataclass
class Admin:
    browsing: Browsing
    page: Page


@pytest.fixture(scope="class")
async def admin(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> AsyncIterator[Admin]:
    require_browser()
    tmp = tmp_path_factory.mktemp("designers")
    async with demo_server(tmp, redis_url) as base, chromium(base, screens_folder(tmp)) as browsing:
        yield Admin(browsing, await browsing.person("jxw/admin"))


async def field_titles(page: Page) -> list[str]:
    return [t.strip() for t in await page.locator(".canvas .field").all_inner_texts()]


async def show_dispatch_flow(page: Page) -> Locator:
    """Pick the 发文 flow in the flow designer once it shows. The form designer has a picker
    with the same test id and a 发文 form of the same name, and stays on screen while the
    flow designer's code loads: picking before the flow designer shows picked the form."""
    designer = page.get_by_test_id("flow-designer")
    await expect(designer).to_be_visible()
    await designer.get_by_test_id("pick").select_option(label="发文 Outgoing dispatch (dispatch)")
    canvas = designer.get_by_test_id("bpmn-canvas")
    await expect(canvas.locator('[data-element-id="review"]')).to_have_count(1)
    return canvas


@pytest.mark.steps
class TestAnAdminBuildsWithoutCode:
    async def test_she_creates_a_form_and_drags_fields_from_the_palette(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_role("link", name="表单设计").click()
        await page.get_by_label("新表单标识").fill("leave")
        await page.get_by_label("新表单名称").fill("请假单")
        await page.get_by_role("button", name="新建表单").click()
        await expect(page.get_by_test_id("form-designer")).to_be_visible()
        await page.locator('[data-kind="text"]').drag_to(page.locator(".canvas"))
        await page.get_by_label("标签").fill("事由")
        await page.get_by_label("必填").check()
        await page.locator('[data-kind="select"]').click()
        await page.get_by_label("标签").fill("假别")
        await page.get_by_label("选项（每行一个）").fill("事假\n病假")
        preview = page.locator(".preview")
        await expect(preview.get_by_label("事由*")).to_be_visible()
        await expect(preview.locator("select option", has_text="病假")).to_have_count(1)
        assert await serious_violations(page) == []
        await admin.browsing.screenshot(page, "form-designer")

    async def test_a_bad_length_is_refused_at_its_field(self, admin: Admin) -> None:
        page = admin.page
        await page.locator(".canvas .field", has_text="事由").click()
        await page.get_by_label("最大长度").fill("-1")
        await page.get_by_role("button", name="发布").click()
        await expect(page.locator('[data-field-error="field1"]')).to_contain_text(
            "less than the minimum of 0"
        )
        await page.get_by_label("最大长度").fill("50")
        await page.get_by_role("button", name="发布").click()
        await expect(page.get_by_role("status")).to_have_text("已保存")

    async def test_the_published_design_loads_back_the_same(self, admin: Admin) -> None:
        page = admin.page
        before = await field_titles(page)
        await page.reload()
        await page.get_by_test_id("pick").select_option(label="请假单 (leave)")
        await expect(page.locator(".canvas .field")).to_have_count(2)
        assert await field_titles(page) == before
        await page.locator(".canvas .field", has_text="事由").click()
        await expect(page.get_by_label("最大长度")).to_have_value("50")
        await expect(page.get_by_label("必填")).to_be_checked()

    async def test_the_flow_designer_loads_a_flow_and_saves_it_back(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_role("link", name="流程设计").click()
        await show_dispatch_flow(page)
        await page.get_by_role("button", name="保存草稿").click()
        await expect(page.get_by_role("status")).to_have_text("已保存")
        await expect(page.get_by_role("alert")).to_have_count(0)
        await admin.browsing.screenshot(page, "flow-designer")
        await page.reload()
        canvas = await show_dispatch_flow(page)
        for node in ("review", "signoff", "number", "distribute", "archive"):
            await expect(canvas.locator(f'[data-element-id="{node}"]')).to_have_count(1)

    async def test_a_new_department_registers_without_signing_in(self, admin: Admin) -> None:
        page = await admin.browsing.anonymous()
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

    async def test_the_operator_approves_it_and_its_admin_can_sign_in(self, admin: Admin) -> None:
        operator = await admin.browsing.person("platform/operator")
        await operator.get_by_role("link", name="系统管理").click()
        row = operator.get_by_test_id("applications").locator("tr", has_text="fgw")
        await row.get_by_role("button", name="批准").click()
        await expect(row).to_contain_text("已批准")
        newcomer = await admin.browsing.anonymous()
        await expect(newcomer.locator('[data-account="fgw/zhao.min"]')).to_be_visible()

    async def test_the_admin_screens_show_the_org_tree_audit_and_statistics(
        self, admin: Admin
    ) -> None:
        page = admin.page
        await page.get_by_role("link", name="系统管理").click()
        await page.get_by_role("tab", name="组织机构").click()
        await page.get_by_role("button", name="办公室 (General Office)").click()
        await expect(page.locator("table caption")).to_have_text("办公室 (General Office)")
        await expect(page.locator("table")).to_contain_text("李娜")
        await page.get_by_role("tab", name="审计日志").click()
        await expect(page.get_by_test_id("audit-verify")).to_contain_text("哈希链接连续")
        await page.get_by_role("tab", name="统计").click()
        await expect(page.get_by_test_id("chart").locator("canvas")).to_have_count(1)
        assert await serious_violations(page) == []
        await admin.browsing.screenshot(page, "statistics")
