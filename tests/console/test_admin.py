"""In a real browser, a department administrator runs the administration screens against a
real server: the setup guide (help on each step, its states following the tenant's events),
users and roles (a refusal at its field; the new colleague signs in and has the permission she
was given), access rules, a SCIM token that works on `/scim/v2` until it is revoked, and an
alert that appears without a reload. Each screen passes axe-core and fits 1024 px."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import ClientSession
from playwright.async_api import Page, expect

from tests.console.support import (
    Browsing,
    api,
    chromium,
    demo_server,
    overflows,
    require_browser,
    screens_folder,
    serious_violations,
)


@dataclass
class Admin:
    browsing: Browsing
    page: Page
    base: str
    secret: str = ""
    kept: dict[str, Page] = field(default_factory=dict)


@pytest.fixture(scope="class")
async def admin(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> AsyncIterator[Admin]:
    require_browser()
    tmp = tmp_path_factory.mktemp("admin")
    async with (
        demo_server(tmp, redis_url, OFFICECLOUD_ALERT_INTERVAL_SECONDS="1") as base,
        chromium(base, screens_folder(tmp)) as browsing,
    ):
        yield Admin(browsing, await browsing.person("jxw/admin"), base)


async def open_tab(page: Page, name: str) -> None:
    await page.get_by_role("link", name="系统管理").click()
    await page.get_by_role("tab", name=name, exact=True).click()
    await expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute(
        "aria-selected", "true"
    )


async def accessible_at_1024(page: Page) -> None:
    assert await serious_violations(page) == []
    assert not await overflows(page)


@pytest.mark.slow
@pytest.mark.steps
class TestAnAdministratorSetsUpHerDepartment:
    async def test_the_setup_guide_opens_at_the_next_step_with_its_help(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_role("link", name="系统管理").click()
        wizard = page.get_by_test_id("wizard")
        await expect(wizard.get_by_test_id("wizard-progress")).to_have_text("已完成 5 / 6 步")
        step = wizard.get_by_test_id("wizard-step")
        await expect(step.get_by_role("heading", level=2)).to_contain_text("发布办公门户")
        await expect(step.get_by_test_id("step-state")).to_have_text("待完成")
        await expect(step).to_contain_text("摆放服务组件")
        await expect(step.get_by_role("link", name="去完成：门户布局")).to_have_attribute(
            "href", "/portal/editor"
        )
        await accessible_at_1024(page)
        await admin.browsing.screenshot(page, "setup-wizard")
        await wizard.get_by_role("button", name="定义角色").click()
        await expect(step.get_by_test_id("step-state")).to_have_text("已完成")
        await step.get_by_role("link", name="去完成：角色").click()
        await expect(page.get_by_role("tab", name="角色", exact=True)).to_have_attribute(
            "aria-selected", "true"
        )

    async def test_every_step_has_help_in_english_too(self, admin: Admin) -> None:
        page = admin.page
        await page.get_by_label("语言").select_option("en")
        await page.get_by_role("tab", name="Setup guide").click()
        step = page.get_by_test_id("wizard-step")
        for title in ("Build the org structure", "Add people", "Define roles", "Design forms"):
            await page.get_by_test_id("wizard").get_by_role("button", name=title).click()
            await expect(step.get_by_role("heading", level=2)).to_contain_text(title)
            await expect(step.locator("p").nth(1)).not_to_be_empty()
        await page.get_by_label("Language").select_option("zh-CN")

    async def test_a_new_departments_guide_follows_its_admin_live(self, admin: Admin) -> None:
        created = await api(
            admin.base,
            "platform/operator",
            "mutation($input: CreateTenantInput!) { createTenant(input: $input) "
            "{ errors { message } } }",
            input={"code": "kjj", "name": "市科学技术局", "adminUsername": "admin"},
        )
        assert created["createTenant"]["errors"] == []
        guide = await admin.browsing.person("kjj/admin")
        await guide.get_by_role("link", name="系统管理").click()
        progress = guide.get_by_test_id("wizard-progress")
        await expect(progress).to_have_text("已完成 0 / 6 步")
        elsewhere = await admin.browsing.person("kjj/admin")
        await open_tab(elsewhere, "角色")
        await elsewhere.get_by_role("button", name="新建角色").click()
        form = elsewhere.get_by_test_id("role-form")
        await form.get_by_label("角色标识").fill("clerk")
        await form.get_by_label("角色名称").fill("收发员")
        await form.get_by_role("button", name="创建").click()
        await expect(form.get_by_role("status")).to_have_text("已保存")
        await expect(progress).to_have_text("已完成 1 / 6 步")
        await expect(guide.locator('[data-step="roles"]')).to_have_attribute("data-state", "DONE")
        await open_tab(elsewhere, "开通向导")
        await elsewhere.get_by_test_id("wizard").get_by_role("button", name="建立组织机构").click()
        await elsewhere.get_by_role("link", name="去完成：组织机构").click()
        add = elsewhere.get_by_test_id("add-unit")
        await expect(add).to_contain_text("市科学技术局")
        await add.get_by_label("单位名称").fill("综合处")
        await add.get_by_role("button", name="添加下级单位").click()
        await expect(elsewhere.get_by_role("button", name="综合处")).to_be_visible()
        await expect(progress).to_have_text("已完成 2 / 6 步")
        await expect(guide.locator('[data-step="org_units"]')).to_have_attribute(
            "data-state", "DONE"
        )

    async def test_she_makes_a_role_with_a_permission(self, admin: Admin) -> None:
        page = admin.page
        await open_tab(page, "角色")
        await page.get_by_role("button", name="新建角色").click()
        form = page.get_by_test_id("role-form")
        await form.get_by_label("角色标识").fill("tenant_admin")
        await form.get_by_label("角色名称").fill("表单管理员")
        await form.get_by_label("表单设计").check()
        await form.get_by_label("数据范围").select_option("TENANT")
        await form.get_by_role("button", name="创建").click()
        await expect(form.locator('[data-field-error="code"]')).not_to_be_empty()
        await form.get_by_label("角色标识").fill("forms_keeper")
        await form.get_by_role("button", name="创建").click()
        await expect(form.get_by_role("status")).to_have_text("已保存")
        row = page.get_by_test_id("roles").locator('tr[data-code="forms_keeper"]')
        await expect(row).to_contain_text("表单设计")
        await accessible_at_1024(page)

    async def test_she_adds_a_colleague_a_taken_name_refused_at_its_field(
        self, admin: Admin
    ) -> None:
        page = admin.page
        await open_tab(page, "用户")
        await page.get_by_role("button", name="新建用户").click()
        form = page.get_by_test_id("user-form")
        await form.get_by_label("登录名").fill("zhang.wei")
        await form.get_by_label("姓名").fill("陈静")
        await form.get_by_label("职务").fill("科员")
        units = form.locator('select[name="orgUnitIds"]')
        office = await units.locator("option", has_text="办公室").get_attribute("value")
        assert office
        await units.select_option([office])
        await form.get_by_label("主单位").select_option(office)
        await form.get_by_role("button", name="创建").click()
        await expect(form.locator('[data-field-error="username"]')).to_contain_text("已被占用")
        await form.get_by_label("登录名").fill("chen.jing")
        await form.get_by_role("button", name="创建").click()
        row = page.get_by_test_id("users").locator('tr[data-username="chen.jing"]')
        await expect(row).to_contain_text("办公室")
        await expect(page.get_by_test_id("user-form").get_by_role("heading")).to_have_text(
            "编辑 陈静"
        )
        await accessible_at_1024(page)

    async def test_the_colleague_cannot_design_forms_before_she_has_the_role(
        self, admin: Admin
    ) -> None:
        colleague = await admin.browsing.person("jxw/chen.jing")
        await colleague.get_by_role("link", name="表单设计").click()
        await colleague.get_by_label("新表单标识").fill("trip")
        await colleague.get_by_label("新表单名称").fill("出差申请")
        await colleague.get_by_role("button", name="新建表单").click()
        await expect(colleague.get_by_role("alert").first).to_be_visible()
        await expect(colleague.get_by_test_id("form-designer")).to_have_count(0)
        admin.kept["colleague"] = colleague

    async def test_she_grants_the_role_and_the_colleague_designs_a_form(self, admin: Admin) -> None:
        page = admin.page
        await page.locator('select[name="roleId"]').select_option(label="表单管理员")
        await page.get_by_role("button", name="授予").click()
        grants = page.get_by_test_id("grants")
        await expect(grants).to_contain_text("表单管理员")
        row = page.get_by_test_id("users").locator('tr[data-username="chen.jing"]')
        await expect(row).to_contain_text("表单管理员")
        colleague = admin.kept["colleague"]
        await colleague.reload()
        await colleague.get_by_label("新表单标识").fill("trip")
        await colleague.get_by_label("新表单名称").fill("出差申请")
        await colleague.get_by_role("button", name="新建表单").click()
        await expect(colleague.get_by_test_id("form-designer")).to_be_visible()

    async def test_she_disables_and_enables_the_colleague(self, admin: Admin) -> None:
        page = admin.page
        form = page.get_by_test_id("user-form")
        row = page.get_by_test_id("users").locator('tr[data-username="chen.jing"]')
        await form.get_by_role("button", name="停用").click()
        await expect(row).to_contain_text("已停用")
        await form.get_by_role("button", name="启用").click()
        await expect(row).to_contain_text("在用")

    async def test_she_adds_edits_and_removes_an_access_rule(self, admin: Admin) -> None:
        page = admin.page
        await open_tab(page, "访问授权")
        await expect(page.get_by_text("尚无访问规则")).to_be_visible()
        add = page.get_by_test_id("add-rule")
        await add.get_by_label("授权对象类型").select_option("ROLE")
        await add.locator('select[name="subjectId"]').select_option(label="表单管理员")
        await add.get_by_label("服务组件").fill("documents, no such!")
        await add.get_by_role("button", name="添加规则").click()
        await expect(add.locator('[data-field-error="components"]')).to_contain_text("such!")
        await add.get_by_label("服务组件").fill("documents")
        await add.get_by_label("备注").fill("表单管理员只用公文")
        await add.get_by_role("button", name="添加规则").click()
        rules = page.get_by_test_id("access-rules")
        await expect(rules.locator("tbody tr")).to_have_count(1)
        await expect(rules).to_contain_text("documents")
        await accessible_at_1024(page)
        await rules.get_by_role("button", name="编辑 表单管理员").click()
        editing = page.get_by_test_id("edit-rule")
        await editing.get_by_label("服务组件").fill("documents, exchange")
        await editing.get_by_role("button", name="保存").click()
        await expect(rules.locator("tbody tr").first).to_contain_text("documents, exchange")
        await rules.get_by_role("button", name="删除 表单管理员").click()
        await expect(rules.locator("tbody tr")).to_have_count(0)
        await expect(page.get_by_text("尚无访问规则")).to_be_visible()

    async def test_a_scim_token_works_on_scim_until_she_revokes_it(self, admin: Admin) -> None:
        page = admin.page
        await open_tab(page, "SCIM 令牌")
        await page.get_by_label("用途").fill("城市门户")
        await page.get_by_role("button", name="生成令牌").click()
        secret = (await page.get_by_test_id("scim-secret").inner_text()).strip()
        assert len(secret) > 20
        await expect(page.get_by_test_id("scim-tokens")).to_contain_text("城市门户")
        await accessible_at_1024(page)
        url = f"{admin.base}/scim/v2/Users?filter=userName%20eq%20%22chen.jing%22"
        async with ClientSession() as http:
            found = await http.get(url, headers={"Authorization": f"Bearer {secret}"})
            assert found.status == 200
            assert (await found.json())["totalResults"] == 1
            await page.get_by_role("button", name="吊销 城市门户").click()
            row = page.get_by_test_id("scim-tokens").locator('tr[data-token="城市门户"]')
            await expect(row).to_contain_text("已吊销")
            refused = await http.get(url, headers={"Authorization": f"Bearer {secret}"})
            assert refused.status == 401
        await page.reload()
        await expect(page.get_by_test_id("scim-secret")).to_have_count(0)

    async def test_an_alert_appears_without_a_reload(self, admin: Admin) -> None:
        page = admin.page
        await open_tab(page, "运行告警")
        alert = page.get_by_test_id("alerts").locator('tr[data-kind="QUOTA"]')
        await expect(alert).to_have_count(0)
        await accessible_at_1024(page)
        found = await api(
            admin.base,
            "platform/operator",
            '{ tenants(filter: {search: "jxw"}, first: 5) { edges { node { id code } } } }',
        )
        (jxw,) = [e["node"]["id"] for e in found["tenants"]["edges"] if e["node"]["code"] == "jxw"]
        people = await api(
            admin.base,
            "jxw/admin",
            "{ users(filter: {status: ACTIVE}, first: 100) { edges { node { id } } } }",
        )
        used = len(people["users"]["edges"])
        limited = await api(
            admin.base,
            "platform/operator",
            "mutation($input: SetTenantLimitsInput!) { setTenantLimits(input: $input) "
            "{ errors { message } } }",
            input={"id": jxw, "maxUsers": used},
        )
        assert limited["setTenantLimits"]["errors"] == []
        await expect(alert).to_contain_text(f"{used} of {used}")
        await expect(alert).to_contain_text("critical")
        await expect(alert).to_contain_text("未解除")
