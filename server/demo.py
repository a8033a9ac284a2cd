"""Demo data: the platform operator and two departments (a city bureau and a district office
under it), with org units, people, roles, the 发文 and 收文 templates and a document under review:
what the README's walkthrough needs; the personal office and public affairs of the city
bureau (`server/demo_office.py`); a few notices and a publication issue
(`server/demo_notices.py`). Running it again changes nothing."""

from __future__ import annotations

import workflow
from auth.viewer import actor_for
from models.base import new_id
from models.directory import OrgUnit, Role, RoleAssignment, User
from models.documents import Document, DocumentType, Urgency
from models.scope import TenantScope
from models.tenants import PLATFORM_CODE, Tenant
from server import demo_notices
from server.demo_office import seed_office
from server.settings import Settings
from services import directory, flows, tenants
from services.documents import lifecycle, types

DEPARTMENTS = [
    ("jxw", "市经济和信息化局 (City Bureau of Economy and IT)", None),
    ("hd-kxw", "海淀区科技和信息化局 (Haidian District Office of Science and IT)", "jxw"),
]
UNITS = {
    "jxw": [("office", "办公室 (General Office)"), ("planning", "规划处 (Planning Division)")],
    "hd-kxw": [("office", "办公室 (General Office)")],
}
PEOPLE = {
    "jxw": [
        ("zhang.wei", "张伟", "office", "office_clerk"),
        ("li.na", "李娜", "office", "office_director"),
        ("chen.jun", "陈军", "office", "leader"),
        ("wang.fang", "王芳", "planning", "staff"),
    ],
    "hd-kxw": [
        ("liu.yang", "刘洋", "office", "office_clerk"),
        ("zhou.min", "周敏", "office", "office_director"),
        ("sun.li", "孙立", "office", "leader"),
    ],
}

DOCUMENT_AUTHOR = {"jxw": "wang.fang"}
DOCUMENT_TITLE = "关于开展年度安全生产检查的通知"

Account = tuple[str, str, str, str]


async def seed(settings: Settings) -> list[Account]:
    """Returns (tenant code, username, role, user id) for every demo account."""
    system = await tenants.system_actor()
    accounts: list[Account] = [await _operator()]
    for code, name, parent_code in DEPARTMENTS:
        tenant = await Tenant.get_or_none(code=code)
        if tenant is None:
            parent = await Tenant.get(code=parent_code) if parent_code else None
            tenant, _ = await tenants.create_tenant(
                system, code=code, name=name, parent_id=parent.id if parent else None
            )
        accounts.extend(await _directory(tenant))
    await demo_notices.seed()
    return accounts


async def _operator() -> Account:
    platform = await Tenant.get(code=PLATFORM_CODE)
    scope = TenantScope(platform.id)
    user = await scope.query(User).get_or_none(username="operator")
    if user is None:
        unit_id = new_id()
        unit = await scope.query(OrgUnit).get_or_none(code="ops") or await scope.create(
            OrgUnit,
            id=unit_id,
            name="平台运营中心 (Operations)",
            code="ops",
            path=f"/{unit_id.hex}/",
        )
        user = await scope.create(
            User, username="operator", display_name="平台管理员", primary_org_unit_id=unit.id
        )
        role = await scope.query(Role).get(code="platform_admin")
        await scope.create(RoleAssignment, user_id=user.id, role_id=role.id)
    return (PLATFORM_CODE, "operator", "platform admin", str(user.id))


async def _directory(tenant: Tenant) -> list[Account]:
    """Units, people holding the templates' roles (the office clerk also sends and signs for
    documents between departments), the 发文 and 收文 templates, and in the city bureau one
    document waiting for the office director's review. Each piece is made only when missing."""
    scope = TenantScope(tenant.id)
    admin = await scope.query(User).get(username="admin")
    actor = await actor_for(scope, admin, tenant)
    root = await scope.query(OrgUnit).get(parent_id=None, code=tenant.code)
    units = {}
    for code, name in UNITS[tenant.code]:
        units[code] = await scope.query(OrgUnit).get_or_none(code=code) or (
            await directory.create_org_unit(actor, name=name, parent_id=root.id, code=code)
        )
    await flows.ensure_roles(scope, dict(workflow.ROLE_CODES))
    accounts: list[Account] = [(tenant.code, "admin", "tenant admin", str(admin.id))]
    for username, display, unit_code, role_code in PEOPLE[tenant.code]:
        user = await scope.query(User).get_or_none(username=username)
        if user is None:
            user = await directory.create_user(
                actor, username=username, display_name=display, org_unit_ids=[units[unit_code].id]
            )
            if role_code in workflow.ROLE_CODES:
                role = await scope.query(Role).get(code=role_code)
                await directory.assign_role(actor, user_id=user.id, role_id=role.id)
            if role_code == "office_director":
                await directory.update_org_unit(actor, id=units[unit_code].id, leader_id=user.id)
        accounts.append((tenant.code, username, role_code, str(user.id)))
    for key in ("dispatch", "receipt"):
        if not await scope.query(DocumentType).filter(code=key).exists():
            await types.install_template(actor, key=key)
    if tenant.code in DOCUMENT_AUTHOR:
        await _document(scope, tenant, DOCUMENT_AUTHOR[tenant.code])
        await seed_office(tenant)
    return accounts


async def _document(scope: TenantScope, tenant: Tenant, username: str) -> None:
    """The demo 发文, drafted and submitted by `username`, once."""
    if await scope.query(Document).filter(title=DOCUMENT_TITLE).exists():
        return
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    author = await scope.query(User).get(username=username)
    writer = await actor_for(scope, author, tenant)
    draft = await lifecycle.create_document(
        writer,
        document_type_id=doc_type.id,
        title=DOCUMENT_TITLE,
        form_data={
            "subject": "安全生产 检查",
            "body": "各处室：现就开展年度安全生产检查通知如下……",
        },
        urgency=Urgency.URGENT,
    )
    await lifecycle.submit_document(writer, id=draft.id)
