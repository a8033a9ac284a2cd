"""Issue 20's "done when", in one browser journey over one demo server: a department
registered in the browser is approved by the platform operator; its admin adds two staff with
roles, designs a form and a flow (a BPMN file imported and edited in the panel) bound to a new
document type, and places a portal component; her staff then draft, approve (arriving in the
approver's 待办 without a reload), number and archive a document of that type and send it to
the demo district office, whose clerk signs for it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.console.support import (
    Browsing,
    chromium,
    demo_server,
    require_browser,
    screens_folder,
    sign_in,
)
from tests.console.test_admin import open_tab
from tests.console.test_journey import act
from tests.console.test_portal import NOTICES, approve, open_editor
from workflow.bpmn import export_bpmn
from workflow.definition import load_definition

TENANT = "tjj"
TITLE = "关于报送十月份统计数据的报告"
DISTRICT = "海淀区科技和信息化局 (Haidian District Office of Science and IT) (hd-kxw)"


def report_flow() -> str:
    """拟稿 → 审批 → end; the panel names 审批's role and makes it number and archive."""
    nodes = [
        {"id": "start", "type": "start", "name": "开始"},
        {"id": "draft", "type": "task", "name": "拟稿", "assignee": {"kind": "previous_handler"}},
        {"id": "approve", "type": "task", "name": "审批",
         "assignee": {"kind": "role", "roleCode": "member"}},
        {"id": "end", "type": "end", "name": "结束"},
    ]  # fmt: skip
    pairs = [("t1", "start", "draft"), ("t2", "draft", "approve"), ("t3", "approve", "end")]
    transitions = [{"id": i, "source": s, "target": t} for i, s, t in pairs]
    definition = {"id": "report", "name": "报告", "nodes": nodes, "transitions": transitions}
    return export_bpmn(load_definition(definition))


@dataclass
class Journey:
    browsing: Browsing
    tmp: Path
    pages: dict[str, Page] = field(default_factory=dict)


@pytest.fixture(scope="class")
async def journey(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> AsyncIterator[Journey]:
    require_browser()
    tmp = tmp_path_factory.mktemp("department")
    async with demo_server(tmp, redis_url) as base, chromium(base, screens_folder(tmp)) as browsing:
        yield Journey(browsing, tmp)


async def add_user(page: Page, username: str, name: str, role: str) -> None:
    """Create a colleague in the department's root unit and grant her `role`."""
    await page.get_by_role("button", name="新建用户").click()
    form = page.get_by_test_id("user-form")
    await form.get_by_label("登录名").fill(username)
    await form.get_by_label("姓名").fill(name)
    units = form.locator('select[name="orgUnitIds"]')
    root = await units.locator("option").first.get_attribute("value")
    assert root
    await units.select_option([root])
    await form.get_by_label("主单位").select_option(root)
    await form.get_by_role("button", name="创建").click()
    await expect(form.get_by_role("heading")).to_have_text(f"编辑 {name}")
    await page.locator('select[name="roleId"]').select_option(label=role)
    await page.get_by_role("button", name="授予").click()
    row = page.get_by_test_id("users").locator(f'tr[data-username="{username}"]')
    await expect(row).to_contain_text(role)


@pytest.mark.slow
@pytest.mark.steps
class TestADepartmentRegisteredInTheBrowserRunsADocumentToTheArchiveAndSendsIt:
    async def test_a_department_registers_and_the_operator_approves_it(
        self, journey: Journey
    ) -> None:
        page = await journey.browsing.anonymous()
        await page.locator("summary", has_text="申请开通").click()
        fields = {
            "code": TENANT,
            "name": "海淀区统计局",
            "applicantName": "赵敏",
            "applicantEmail": "zhao.min@tjj.example",
            "adminUsername": "zhao.min",
            "parentCode": "hd-kxw",
        }
        for name, value in fields.items():
            await page.locator(f'input[name="{name}"]').fill(value)
        await page.get_by_role("button", name="提交申请").click()
        await expect(page.get_by_role("status")).to_have_text("申请已提交，等待审核。")
        operator = await journey.browsing.person("platform/operator")
        journey.pages["operator"] = operator
        await operator.get_by_role("link", name="系统管理").click()
        row = operator.get_by_test_id("applications").locator("tr", has_text=TENANT)
        await row.get_by_role("button", name="批准").click()
        await expect(row).to_contain_text("已批准")
        await page.reload()
        await sign_in(page, f"{TENANT}/zhao.min")
        journey.pages["admin"] = page

    async def test_her_admin_adds_two_staff_with_roles(self, journey: Journey) -> None:
        page = journey.pages["admin"]
        await open_tab(page, "角色")
        await page.get_by_role("button", name="新建角色").click()
        form = page.get_by_test_id("role-form")
        await form.get_by_label("角色标识").fill("approver")
        await form.get_by_label("角色名称").fill("审批人")
        await form.get_by_label("公文分发").check()
        await form.get_by_role("button", name="创建").click()
        await expect(form.get_by_role("status")).to_have_text("已保存")
        await open_tab(page, "用户")
        await add_user(page, "sun.li", "孙丽", "Member (普通用户)")
        await add_user(page, "zhou.qiang", "周强", "审批人")

    async def test_she_designs_a_form(self, journey: Journey) -> None:
        page = journey.pages["admin"]
        await page.get_by_role("link", name="表单设计").click()
        await page.get_by_label("新表单标识").fill("report")
        await page.get_by_label("新表单名称").fill("统计报告")
        await page.get_by_role("button", name="新建表单").click()
        await page.locator('[data-kind="text"]').click()
        await page.get_by_label("标签").fill("摘要")
        await page.get_by_label("必填").check()
        await page.get_by_role("button", name="发布").click()
        await expect(page.get_by_role("status")).to_have_text("已保存")
        await expect(page.get_by_role("alert")).to_have_count(0)

    async def test_she_designs_a_flow_bound_to_the_form(self, journey: Journey) -> None:
        page = journey.pages["admin"]
        await page.get_by_role("link", name="流程设计").click()
        designer = page.get_by_test_id("flow-designer")
        new = designer.get_by_test_id("new-flow")
        await new.get_by_label("新流程标识").fill("report")
        await new.get_by_label("新流程名称").fill("报告")
        await new.get_by_label("所用表单").select_option(label="统计报告 (report)")
        await new.get_by_role("button", name="新建流程").click()
        canvas = designer.get_by_test_id("bpmn-canvas")
        await expect(canvas.locator('[data-element-id="end"]')).to_have_count(1)
        bpmn = journey.tmp / "report.bpmn"
        bpmn.write_text(report_flow(), encoding="utf-8")
        await designer.locator("input[type=file]").set_input_files(bpmn)
        await expect(canvas.locator('[data-element-id="approve"]')).to_have_count(1)
        await canvas.locator('[data-element-id="approve"]').click()
        panel = page.get_by_test_id("oc-panel")
        await expect(panel).to_have_attribute("data-element", "approve")
        await panel.get_by_label(re.compile("^角色")).select_option(label="审批人 (approver)")
        await panel.get_by_label("办结时编文号").check()
        await panel.get_by_label("办结即归档（须直接通向结束）").check()
        await page.get_by_role("button", name="发布").click()
        await expect(page.get_by_role("status")).to_have_text("已发布第 1 版")
        await expect(page.get_by_role("alert")).to_have_count(0)

    async def test_she_makes_a_document_type_of_it(self, journey: Journey) -> None:
        page = journey.pages["admin"]
        await page.get_by_role("link", name="公文种类").click()
        form = page.get_by_role("form", name="新建公文种类")
        await form.get_by_label("代码").fill("bg")
        await form.get_by_label("名称").fill("统计报告")
        await form.get_by_label("类别").select_option("DISPATCH")
        await form.get_by_label("流程").select_option(label="报告 (report)")
        await form.get_by_label("文号格式").fill("{year}统字第{seq}号")
        await form.get_by_label("序号位数").fill("3")
        await form.get_by_role("button", name="新建公文种类").click()
        await expect(page.locator('tr[data-type="bg"]')).to_contain_text("统计报告")

    async def test_she_places_a_portal_component(self, journey: Journey) -> None:
        page, operator = journey.pages["admin"], journey.pages["operator"]
        await open_editor(page)
        await page.get_by_role("button", name=f"申请开通 {NOTICES}").click()
        await open_editor(operator)
        await approve(operator, TENANT, NOTICES)
        await page.reload()
        await page.get_by_role("button", name=f"放置 {NOTICES}").click()
        await page.get_by_role("button", name="发布", exact=True).click()
        await expect(page.get_by_role("status")).to_have_text("已发布第 1 版")
        await page.get_by_role("link", name="门户", exact=True).click()
        await expect(page.get_by_role("article", name=NOTICES)).to_be_visible()

    async def test_a_staff_draft_arrives_in_the_approvers_todo_box_live(
        self, journey: Journey
    ) -> None:
        approver = await journey.browsing.person(f"{TENANT}/zhou.qiang")
        journey.pages["approver"] = approver
        await expect(approver.get_by_text("暂无")).to_be_visible()
        drafter = await journey.browsing.person(f"{TENANT}/sun.li")
        journey.pages["drafter"] = drafter
        await drafter.get_by_role("link", name="拟稿").click()
        await drafter.get_by_label("公文类型").select_option(label="统计报告")
        await drafter.get_by_label("标题").fill(TITLE)
        await drafter.get_by_role("button", name="创建草稿").click()
        await drafter.get_by_label("摘要*").fill("十月份各项指标平稳。")
        await drafter.get_by_role("button", name="提交").click()
        await expect(drafter.get_by_role("button", name="提交")).to_have_count(0)
        box = approver.get_by_test_id("box-OPEN")
        await expect(box).to_contain_text(TITLE)
        await expect(box).to_contain_text("审批")

    async def test_the_approval_numbers_and_archives_it(self, journey: Journey) -> None:
        approver, drafter = journey.pages["approver"], journey.pages["drafter"]
        await approver.get_by_role("link", name=TITLE).first.click()
        await act(approver, "APPROVE")
        document = approver.get_by_test_id("document")
        await expect(document).to_have_attribute("data-status", "ARCHIVED")
        await expect(approver.locator(".meta")).to_contain_text("统字第001号")
        await expect(drafter.get_by_test_id("doc-status")).to_have_text("已归档")

    async def test_it_is_sent_to_the_district_and_signed_there(self, journey: Journey) -> None:
        approver = journey.pages["approver"]
        await approver.get_by_label("发往").select_option(label=DISTRICT)
        await approver.get_by_role("button", name="发送").click()
        status = approver.get_by_test_id("dispatch-status")
        await expect(status).to_contain_text("已送达")
        district = await journey.browsing.person("hd-kxw/liu.yang")
        await district.get_by_role("link", name="收文箱").click()
        row = district.get_by_test_id("incoming").locator("tr", has_text=TITLE)
        await row.get_by_role("button", name="签收").click()
        await expect(row).to_contain_text("已签收")
        await expect(status).to_contain_text("已签收")
