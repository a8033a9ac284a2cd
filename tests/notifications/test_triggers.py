"""The other events that concern someone: a task handed over, a reminder before the deadline and
the overdue notice from the durable timers, and a tenant application approved."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from models.directory import User
from models.notifications import Notification
from models.scope import TenantScope
from models.tenants import Tenant
from services.documents import timers
from tests.conftest import GraphQL
from tests.documents.support import TASK, Office
from tests.flows.support import start_document
from tests.notifications.flow import notice_office, notifications
from tests.tenants.support import application_input


async def texts(office: Office, who: str) -> list[tuple[str, str]]:
    mine = await notifications(office, who)
    return [(e["node"]["kind"], e["node"]["text"]) for e in mine["myNotifications"]["edges"]]


async def test_handed_over_reminded_and_overdue(gql: GraphQL, make_department: Any) -> None:
    office = await notice_office(gql, make_department)
    document = await start_document(office, office.type_id, 1)
    task = await office.open_task("director", document["id"])
    await office.ok(
        "director", "transferTask", {"id": task["id"], "toUserId": office.id("legal_head")}, TASK
    )
    assert await texts(office, "legal_head") == [
        ("TASK_HANDED_OVER", "《关于采购的请示》「核稿」已转交给您办理")
    ]
    now = datetime.now(UTC)
    await timers.fire_due(now + timedelta(hours=3, minutes=30))
    kinds = [k for k, _ in await texts(office, "legal_head")]
    assert kinds == ["TASK_REMINDER", "TASK_HANDED_OVER"]
    reminder = (await texts(office, "legal_head"))[0][1]
    assert reminder.startswith("《关于采购的请示》「核稿」将于")
    assert reminder.endswith("到期，请及时办理")
    await timers.fire_due(now + timedelta(hours=5))
    assert (await texts(office, "legal_head"))[0] == (
        "TASK_OVERDUE",
        "《关于采购的请示》「核稿」已超过办理期限",
    )
    assert await texts(office, "director") == [
        ("TASK_ASSIGNED", "您有新的待办：《关于采购的请示》「核稿」")
    ], "the transferrer is told nothing more"


async def test_an_approved_tenant_tells_its_first_administrator(
    gql: GraphQL, platform_admin: User
) -> None:
    code = f"hd{uuid.uuid4().hex[:8]}"
    applied = await gql.mutate(
        "applyForTenant", application_input(code), "application { id } ", token=None
    )
    await gql.mutate(
        "reviewTenantApplication",
        {"id": applied["application"]["id"], "approve": True},
        "tenant { id } ",
        token=gql.token(platform_admin, "platform"),
    )
    tenant = await Tenant.get(code=code)
    scope = TenantScope(tenant.id)
    admin = await scope.query(User).get(username="zhao.min")
    (told,) = await scope.query(Notification).filter(user_id=admin.id)
    assert told.kind == "tenant_application_decided"
    assert told.text == "「海淀区信息中心」的入驻申请已通过，您是该单位的管理员"


async def test_a_mention_tells_readers_only(gql: GraphQL, make_department: Any) -> None:
    office = await notice_office(gql, make_department)
    document = await start_document(office, office.type_id, 1)
    await office.approve("director", document["id"], comment="请@writer 补充附件，@outsider 知悉")
    assert (await texts(office, "writer"))[0] == (
        "MENTIONED",
        "director在《关于采购的请示》「核稿」的意见中提到了您：请@writer 补充附件，@outsider 知悉",
    )
    assert await texts(office, "outsider") == [], "a mention opens no document"


async def test_a_rejected_service_application_tells_who_applied(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    found = await gql('{ portalComponent(key: "publications") { id } }', token=admin)
    applied = await gql.mutate(
        "applyForPortalService",
        {"componentId": found.data["portalComponent"]["id"]},
        "application { id }",
        token=admin,
    )
    await gql.mutate(
        "reviewPortalServiceApplication",
        {"id": applied["application"]["id"], "approve": False, "reason": "暂不开放"},
        "application { status }",
        token=gql.token(platform_admin, "platform"),
    )
    mine = await gql("{ myNotifications { edges { node { kind text link } } } }", token=admin)
    assert [e["node"] for e in mine.data["myNotifications"]["edges"]] == [
        {
            "kind": "SERVICE_APPLICATION_DECIDED",
            "text": "您的服务组件申请未通过，理由：暂不开放",
            "link": applied["application"]["id"],
        }
    ]
