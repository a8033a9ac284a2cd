"""In a real browser: a department admin imports a flow with a gateway into the flow designer,
edits the gateway's condition and a step's assignee rule in the properties panel (a bad
condition refused on its flow at publish), publishes, creates a document type in the console
(a pattern without {seq} refused at its field, the number previewed) and a document of that
type then follows the new condition and the new assignee."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

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
from tests.console.test_designers import show_dispatch_flow
from workflow.bpmn import export_bpmn
from workflow.definition import load_definition

TITLE = "关于增设档案室的请示"


def gateway_flow() -> str:
    """发文 with a gateway after the draft: long drafts (form.pageCount > 100) go to 核稿
    (office_director), the rest straight to 签发 (leader)."""
    role = lambda code: {"kind": "role", "roleCode": code}  # noqa: E731
    nodes = [
        {"id": "start", "type": "start", "name": "开始"},
        {"id": "draft", "type": "task", "name": "拟稿", "assignee": {"kind": "previous_handler"}},
        {"id": "size", "type": "exclusive_gateway", "name": "篇幅"},
        {"id": "review", "type": "task", "name": "核稿", "assignee": role("office_director")},
        {"id": "signoff", "type": "task", "name": "签发", "assignee": role("leader")},
        {"id": "end", "type": "end", "name": "结束"},
    ]
    flows = [("t1", "start", "draft"), ("t2", "draft", "size"), ("t_review", "review", "signoff")]
    transitions = [{"id": i, "source": s, "target": t} for i, s, t in flows] + [
        {"id": "t_long", "source": "size", "target": "review", "name": "长稿",
         "condition": "form.pageCount > 100"},
        {"id": "t_short", "source": "size", "target": "signoff", "name": "其他", "default": True},
        {"id": "t_end", "source": "signoff", "target": "end"},
    ]  # fmt: skip
    definition = {"id": "dispatch", "name": "发文", "nodes": nodes, "transitions": transitions}
    return export_bpmn(load_definition(definition))


async def click_corner(canvas: Locator, element: str) -> None:
    """Select a shape at its top left corner: a selected flow's context pad or a flow drawn
    across it may cover its middle."""
    await canvas.locator(f'[data-element-id="{element}"]').click(position={"x": 6, "y": 6})


@dataclass
class Admin:
    browsing: Browsing
    page: Page
    tmp: Path


@pytest.fixture(scope="class")
async def admin(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> AsyncIterator[Admin]:
    require_browser()
    tmp = tmp_path_factory.mktemp("flow-panel")
    async with demo_server(tmp, redis_url) as base, chromium(base, screens_folder(tmp)) as browsing:
        yield Admin(browsing, await browsing.person("jxw/admin"), tmp)


@pytest.mark.slow
@pytest.mark.steps
class TestAnAdminChangesTheRulesAndDocumentsFollowThem:
    async def test_she_imports_a_flow_with_a_gateway(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_role("link", name="流程设计").click()
        canvas = await show_dispatch_flow(page)
        bpmn = admin.tmp / "dispatch-gateway.bpmn"
        bpmn.write_text(gateway_flow(), encoding="utf-8")
        await page.get_by_test_id("flow-designer").locator("input[type=file]").set_input_files(bpmn)
        await expect(canvas.locator('[data-element-id="size"]')).to_have_count(1)
        await expect(canvas.locator('[data-element-id="number"]')).to_have_count(0)

    async def test_a_bad_condition_is_refused_on_its_flow(self, admin: Admin) -> None:
        page = admin.page
        canvas = page.get_by_test_id("bpmn-canvas")
        await canvas.locator('[data-element-id="t_long_label"]').click()
        panel = page.get_by_test_id("oc-panel")
        condition = panel.get_by_label("条件（CEL 表达式）")
        await expect(condition).to_have_value("form.pageCount > 100")
        await condition.fill("form.pages > 5")
        await page.get_by_role("button", name="发布").click()
        await expect(page.locator('.problems[data-element="t_long"]')).to_contain_text("pages")
        marked = canvas.locator('[data-element-id="t_long"].has-error')
        await expect(marked.first).to_be_attached()
        await expect(panel).to_have_attribute("data-element", "t_long")
        await expect(panel.get_by_role("alert")).to_contain_text("pages")

    async def test_she_fixes_the_condition_and_names_the_reviewer(self, admin: Admin) -> None:
        page = admin.page
        panel = page.get_by_test_id("oc-panel")
        condition = panel.get_by_label("条件（CEL 表达式）")
        await condition.fill("form.pageCount > 5")
        # undo and redo on the canvas show in the panel
        await page.get_by_test_id("bpmn-canvas").locator('[data-element-id="t_long_label"]').click()
        await page.keyboard.press("Control+z")
        await expect(condition).to_have_value("form.pages > 5")
        await page.keyboard.press("Control+y")
        await expect(condition).to_have_value("form.pageCount > 5")
        await click_corner(page.get_by_test_id("bpmn-canvas"), "review")
        await expect(panel).to_have_attribute("data-element", "review")
        rule = panel.get_by_label("经办人规则")
        await expect(rule).to_have_value("role")
        await rule.select_option("users")
        await panel.get_by_label("人员（用户名，逗号分隔）").fill("zhang.wei")
        await panel.get_by_label("办理期限").check()
        await panel.get_by_label("提前提醒（小时）").fill("4")
        await panel.get_by_label("允许退回").uncheck()
        await page.get_by_role("button", name="发布").click()
        await expect(page.get_by_role("status")).to_have_text("已发布第 2 版")
        await expect(page.get_by_role("alert")).to_have_count(0)
        assert await serious_violations(page) == []
        await admin.browsing.screenshot(page, "flow-panel")

    async def test_the_published_flow_loads_back_with_the_new_rules(self, admin: Admin) -> None:
        page = admin.page
        await page.reload()
        canvas = await show_dispatch_flow(page)
        await click_corner(canvas, "review")
        panel = page.get_by_test_id("oc-panel")
        await expect(panel.get_by_label("人员（用户名，逗号分隔）")).to_have_value("zhang.wei")
        await expect(panel.get_by_label("期限", exact=True)).to_have_value("24")
        await expect(panel.get_by_label("提前提醒（小时）")).to_have_value("4")
        await expect(panel.get_by_label("允许退回")).not_to_be_checked()
        await expect(panel.get_by_label("允许加签")).to_be_checked()
        await canvas.locator('[data-element-id="t_long_label"]').click()
        await expect(panel.get_by_label("条件（CEL 表达式）")).to_have_value("form.pageCount > 5")

    async def test_she_creates_a_document_type_in_the_console(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_role("link", name="公文种类").click()
        form = page.get_by_role("form", name="新建公文种类")
        await form.get_by_label("代码").fill("qs")
        await form.get_by_label("名称").fill("请示件")
        await form.get_by_label("类别").select_option("REQUEST")
        await form.get_by_label("流程").select_option(label="发文 Outgoing dispatch (dispatch)")
        await form.get_by_label("文号格式").fill("{year}请字号")
        await form.get_by_role("button", name="新建公文种类").click()
        await expect(form.locator('[data-field-error="numberPattern"]')).to_contain_text("{seq}")
        await form.get_by_label("文号格式").fill("{year}请字第{seq}号")
        await form.get_by_label("序号位数").fill("3")
        await expect(form.get_by_test_id("number-preview")).to_contain_text("请字第001号")
        await form.get_by_role("button", name="新建公文种类").click()
        row = page.locator('tr[data-type="qs"]')
        await expect(row).to_contain_text("请示件")
        await row.get_by_role("button").click()
        templates = page.get_by_role("form", name="添加模板")
        await templates.get_by_label("模板名称").fill("常用请示")
        await templates.get_by_label("标题").fill(TITLE)
        await templates.get_by_label("正文").fill("拟在三楼增设档案室一间。")
        await templates.get_by_role("button", name="添加模板").click()
        await expect(row).to_contain_text("常用请示")
        assert await serious_violations(page) == []
        await admin.browsing.screenshot(page, "document-types")

    async def test_a_document_of_that_type_follows_the_new_rules(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_role("link", name="拟稿").click()
        await page.get_by_label("公文类型").select_option(label="请示件")
        await page.get_by_label("模板").select_option(label="常用请示")
        await page.get_by_role("button", name="创建草稿").click()
        await page.get_by_label("页数 Pages").fill("10")
        await page.get_by_role("button", name="提交").click()
        await expect(page.get_by_role("button", name="提交")).to_have_count(0)
        clerk = await admin.browsing.person("jxw/zhang.wei")
        box = clerk.get_by_test_id("box-OPEN")
        await expect(box).to_contain_text(TITLE)
        await expect(box).to_contain_text("核稿")
