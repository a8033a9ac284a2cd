"""Notices (通知公告) through GraphQL: drafts, audiences, publishing with and without an
approval flow, read receipts, reminders, revocation, and the tenant tree."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.directory import Role
from models.notices import NoticeRead
from models.outbox import OutboxEvent
from server.settings import Settings
from services.portal.standard import STANDARD_MANIFESTS
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.notices.support import NOTICE, Units, units_office


@pytest.fixture
async def units(gql: GraphQL, make_department: Any) -> Units:
    return await units_office(gql, await make_department())


async def test_a_notice_reaches_only_its_units_and_revoking_removes_it(units: Units) -> None:
    notice_id = await units.draft(orgUnitIds=[units.unit("财务处")], category="通知公告")
    assert await units.notices("reader_finance") == [], "a draft is published to nobody"
    published = await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)
    assert published["notice"]["status"] == "PUBLISHED"
    assert [n["id"] for n in await units.notices("reader_finance")] == [notice_id]
    assert await units.notices("reader_office") == []
    assert await units.notices("reader_finance", category="会议通知") == []
    node = await units.office.run(
        "reader_office", "query($id: ID!) { node(id: $id) { id } }", {"id": notice_id}
    )
    assert node.data["node"] is None, "not published to her: not found"

    await units.office.ok("admin", "revokeNotice", {"id": notice_id, "reason": "发错了"}, NOTICE)
    assert await units.notices("reader_finance") == []
    node = await units.office.run(
        "reader_finance", "query($id: ID!) { node(id: $id) { id } }", {"id": notice_id}
    )
    assert node.data["node"] is None


async def test_pinned_first_and_validity(units: Units) -> None:
    old = await units.draft(title="旧通知", toEveryone=True)
    pinned = await units.draft(title="置顶通知", toEveryone=True, pinned=True)
    expired = await units.draft(
        title="过期通知",
        toEveryone=True,
        validUntil="2020-01-01T00:00:00+00:00",
        validFrom="2019-01-01T00:00:00+00:00",
    )
    for notice_id in (old, pinned, expired):
        await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)
    newer = await units.draft(title="新通知", toEveryone=True)
    await units.office.ok("admin", "publishNotice", {"id": newer}, NOTICE)
    listed = [n["title"] for n in await units.notices("reader_office")]
    assert listed == ["置顶通知", "新通知", "旧通知"]
    page = await units.office.run(
        "reader_office",
        "{ notices(first: 2) { pageInfo { endCursor hasNextPage } edges { node { title } } } }",
    )
    cursor = page.data["notices"]["pageInfo"]["endCursor"]
    rest = await units.office.run(
        "reader_office",
        "query($after: String) { notices(first: 2, after: $after) { edges { node { title } } } }",
        {"after": cursor},
    )
    assert [e["node"]["title"] for e in rest.data["notices"]["edges"]] == ["旧通知"]


async def test_bad_input_is_refused_and_changes_nothing(units: Units) -> None:
    result = await units.office.mutate(
        "admin",
        "createNotice",
        {
            "title": " ",
            "validFrom": "2026-02-01T00:00:00+00:00",
            "validUntil": "2026-01-01T00:00:00+00:00",
            "orgUnitIds": [gid("OrgUnit", "00000000-0000-0000-0000-000000000001")],
        },
        NOTICE,
    )
    assert result["notice"] is None
    assert {(e["code"], tuple(e["field"])) for e in result["errors"]} == {
        ("REQUIRED", ("input", "title")),
        ("INVALID", ("input", "validUntil")),
        ("NOT_FOUND", ("input", "orgUnitIds")),
    }
    assert await units.notices("admin", authoredByMe=True) == []
    nobody = await units.draft()
    refused = await units.office.mutate("admin", "publishNotice", {"id": nobody}, NOTICE)
    assert [e["code"] for e in refused["errors"]] == ["REQUIRED"]


async def test_a_reader_may_not_publish_without_approval(units: Units) -> None:
    notice_id = await units.draft("writer", toEveryone=True)
    refused = await units.office.mutate("writer", "publishNotice", {"id": notice_id}, NOTICE)
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    other = await units.office.mutate(
        "reader_office", "updateNotice", {"id": notice_id, "title": "x"}, NOTICE
    )
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"], "not hers"


RECEIPTS = (
    "query($id: ID!) { node(id: $id) { ... on Notice { readByMe receipts { unitName readCount "
    "unreadCount read { username } unread { username } } } } }"
)


@pytest.fixture(scope="class")
async def state(database: Settings, gql: GraphQL) -> dict[str, Any]:
    return {"units": await units_office(gql, await new_department())}


@pytest.mark.steps
class TestApprovalReceiptsAndReminders:
    """A writer's notice goes through the 发文 flow, is published when it completes, and its
    author follows who has read it."""

    async def test_submitted_for_approval_it_is_pending(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        notice_id = await units.draft(
            "writer",
            orgUnitIds=[units.unit("办公室"), units.unit("财务处")],
            body="各处室：请自查。",
        )
        state["id"] = notice_id
        submitted = await units.office.ok(
            "writer",
            "publishNotice",
            {"id": notice_id, "approvalDocumentTypeId": units.office.type_id},
            NOTICE,
        )
        assert submitted["notice"]["status"] == "PENDING"
        assert await units.notices("reader_office") == []
        edit = await units.office.mutate(
            "writer", "updateNotice", {"id": notice_id, "title": "x"}, NOTICE
        )
        assert [e["code"] for e in edit["errors"]] == ["INVALID_STATE"]

    async def test_the_completed_flow_publishes_it(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        found = await units.office.run(
            "writer",
            "query($id: ID!) { node(id: $id) { ... on Notice { approvalDocumentId } } }",
            {"id": state["id"]},
        )
        document_id = found.data["node"]["approvalDocumentId"]
        await units.office.approve("director", document_id)
        await units.office.approve("leader", document_id)
        await units.office.approve("clerk", document_id)
        await units.office.approve("clerk", document_id)
        await units.office.approve("clerk2", document_id)
        listed = await units.notices("reader_office")
        assert [n["id"] for n in listed] == [state["id"]]

    async def test_receipts_per_unit(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        read = await units.office.ok("reader_office", "markNoticeRead", {"id": state["id"]}, NOTICE)
        assert read["notice"]["readByMe"] is True
        await units.office.ok("reader_office", "markNoticeRead", {"id": state["id"]}, NOTICE)
        result = await units.office.run("writer", RECEIPTS, {"id": state["id"]})
        receipts = {r["unitName"]: r for r in result.data["node"]["receipts"]}
        assert receipts["办公室"]["read"] == [{"username": "reader_office"}]
        assert receipts["办公室"]["unreadCount"] == 0
        assert receipts["财务处"]["unread"] == [{"username": "reader_finance"}]
        reader = await units.office.run("reader_office", RECEIPTS, {"id": state["id"]})
        assert reader.data["node"] == {"readByMe": True, "receipts": None}, "hers to follow only"

    async def test_remind_the_unread(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        reminded = await units.office.ok(
            "writer", "remindNoticeUnread", {"id": state["id"]}, "remindedUserIds"
        )
        assert reminded["remindedUserIds"] == [units.office.id("reader_finance")]
        event = await OutboxEvent.filter(topic="notice.reminded").order_by("-id").first()
        assert event is not None
        assert event.payload["userIds"] == [units.office.id("reader_finance")]
        inbox = "{ myNotifications(first: 10) { edges { node { kind text link } } } }"
        seen = await units.office.run("reader_finance", inbox)
        assert [e["node"] for e in seen.data["myNotifications"]["edges"]] == [
            {
                "kind": "NOTICE_REMINDER",
                "text": "请阅读通知公告「关于开展安全生产检查的通知」",
                "link": state["id"],
            }
        ]
        already = await units.office.run("reader_office", inbox)
        kinds = [e["node"]["kind"] for e in already.data["myNotifications"]["edges"]]
        assert "NOTICE_REMINDER" not in kinds, "who has read it is not reminded"


async def test_down_the_tenant_tree(gql: GraphQL, make_department: Any) -> None:
    """A city bureau's notice reaches its districts as copies; revoking takes them back."""
    city = await make_department(name="市局")
    district = await make_department(parent=city.tenant, name="区局")
    other = await make_department(name="别的局")
    city_token = gql.token(city.admin, city.tenant)
    created = await gql.mutate(
        "createNotice",
        {"title": "全市通知", "toEveryone": True, "toSubtenants": True},
        NOTICE,
        token=city_token,
    )
    notice_id = created["notice"]["id"]
    await gql.mutate("publishNotice", {"id": notice_id}, NOTICE, token=city_token)
    listing = "{ notices(first: 10) { edges { node { id title publisher received } } } }"
    there = await gql(listing, token=gql.token(district.admin, district.tenant))
    nodes = [e["node"] for e in there.data["notices"]["edges"]]
    assert [(n["title"], n["publisher"], n["received"]) for n in nodes] == [
        ("全市通知", "市局", True)
    ]
    elsewhere = await gql(listing, token=gql.token(other.admin, other.tenant))
    assert elsewhere.data["notices"]["edges"] == []

    await gql.mutate("revokeNotice", {"id": notice_id}, NOTICE, token=city_token)
    there = await gql(listing, token=gql.token(district.admin, district.tenant))
    assert there.data["notices"]["edges"] == []


async def test_the_public_notices_component_runs_its_operation(units: Units) -> None:
    """The shipped `public-notices` manifest's operation, with the example's settings."""
    manifest = next(m for m in STANDARD_MANIFESTS if m["key"] == "public-notices")
    notice_id = await units.draft(
        title="放假通知", toEveryone=True, category="通知公告", pinned=True
    )
    await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)
    result = await units.office.run(
        "reader_office", manifest["operation"], {"first": 5, "category": "通知公告"}
    )
    nodes = [e["node"] for e in result.data["notices"]["edges"]]
    assert [(n["id"], n["title"], n["pinned"], n["publisher"]) for n in nodes] == [
        (notice_id, "放假通知", True, "测试部门 Test department")
    ]


async def test_the_list_costs_the_same_statements_however_many_notices(
    units: Units, count_queries: Any
) -> None:
    query = (
        "{ notices(first: 50) { edges { node { title readByMe receipts { unitName } "
        "attachments { name } author { displayName } } } } }"
    )

    async def cost() -> tuple[int, int]:
        with count_queries() as counted:
            result = await units.office.run("admin", query)
        return counted(), len(result.data["notices"]["edges"])

    async def publish(n: int) -> None:
        for i in range(n):
            notice_id = await units.draft(title=f"通知{i}", toEveryone=True)
            await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)

    await publish(1)
    await cost()
    few_queries, few = await cost()
    await publish(3)
    many_queries, many = await cost()
    assert (few, many) == (1, 4)
    assert many_queries == few_queries


async def test_reading_twice_at_once_records_one_receipt(units: Units) -> None:
    notice_id = await units.draft(toEveryone=True)
    await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)
    results = await asyncio.gather(
        *(
            units.office.mutate("reader_office", "markNoticeRead", {"id": notice_id}, NOTICE)
            for _ in range(5)
        )
    )
    assert all(r["errors"] == [] for r in results)
    scope = units.office.department.scope
    assert await scope.query(NoticeRead).filter(notice_id=key_of(notice_id)).count() == 1


async def test_an_update_keeps_what_was_not_sent_and_refuses_a_null_title(units: Units) -> None:
    notice_id = await units.draft(body="正文", pinned=True, category="通知公告")
    changed = await units.office.ok(
        "admin",
        "updateNotice",
        {"id": notice_id, "title": "新标题", "body": None, "pinned": None, "expectedVersion": 1},
        "notice { title body pinned category } ",
    )
    notice = changed["notice"]
    assert (notice["title"], notice["body"], notice["pinned"], notice["category"]) == (
        "新标题",
        "",
        True,
        "通知公告",
    )
    stale = await units.office.mutate(
        "admin", "updateNotice", {"id": notice_id, "title": "x", "expectedVersion": 1}, NOTICE
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    uncategorized = await units.office.ok(
        "admin", "updateNotice", {"id": notice_id, "category": None}, "notice { category } "
    )
    assert uncategorized["notice"]["category"] == ""
    untitled = await units.office.mutate(
        "admin", "updateNotice", {"id": notice_id, "title": None}, NOTICE
    )
    assert [e["code"] for e in untitled["errors"]] == ["REQUIRED"]


async def test_an_update_checks_the_period_it_would_leave(units: Units) -> None:
    notice_id = await units.draft(
        validFrom="2030-01-10T00:00:00+08:00", validUntil="2030-01-20T00:00:00+08:00"
    )
    for sent in (
        {"validUntil": "2030-01-05T00:00:00+08:00"},
        {"validFrom": "2030-01-25T00:00:00+08:00"},
    ):
        refused = await units.office.mutate(
            "admin", "updateNotice", {"id": notice_id, **sent}, NOTICE
        )
        assert [(e["code"], e["message"], e["field"]) for e in refused["errors"]] == [
            ("INVALID", "validUntil must be after validFrom", ["input", "validUntil"])
        ], sent


async def test_a_notice_to_a_role_reaches_its_holders_and_follows_an_edit(units: Units) -> None:
    roles = {r.code: gid("Role", r.id) for r in await units.office.department.scope.query(Role)}
    notice_id = await units.draft(roleIds=[roles["leader"]])
    await units.office.ok(
        "admin", "updateNotice", {"id": notice_id, "roleIds": [roles["office_clerk"]]}, NOTICE
    )
    await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)
    reached = [who for who in ("leader", "clerk", "clerk2", "writer") if await units.notices(who)]
    assert reached == ["clerk", "clerk2"]
