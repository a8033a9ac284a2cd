"""search through GraphQL: Chinese matched by word, ranked, highlighted, and never anything
the viewer could not open: the read rule, secrecy, hidden fields, other tenants."""

from __future__ import annotations

from typing import Any

import pytest

from server.settings import Settings
from tests.conftest import GraphQL, new_department
from tests.documents.support import Office, upload
from tests.notices.support import NOTICE, units_office
from tests.search.support import SEARCH, drafted, hits, secret_office, submitted

CANARY = "青龙代号七三九"


@pytest.fixture(scope="module")
async def office(database: Settings, gql: GraphQL) -> Office:
    office = await secret_office(gql, await new_department(name="检索测试部门"))
    await submitted(
        office,
        "关于开展安全生产检查的请示",
        {"subject": "防汛 检查", "secret": f"内部掌握：{CANARY}"},
    )
    await submitted(office, "关于绝密事项的请示", {"subject": "安全 生产"}, secrecy="SECRET")
    return office


async def test_a_word_matches_inside_segmented_chinese_with_a_highlight(office: Office) -> None:
    found = await hits(office, "reader", "安全检查")
    assert [h["title"] for h in found] == ["关于开展安全生产检查的请示"]
    assert found[0]["kind"] == "DOCUMENT"
    assert found[0]["subject"] == {"__typename": "Document"}
    assert "<mark>安全</mark>" in found[0]["snippet"]
    assert await hits(office, "reader", "防汛") != [], "a form field not hidden is searched"


async def test_a_secret_in_a_hidden_field_is_found_only_by_who_may_see_it(office: Office) -> None:
    mine = await hits(office, "writer", CANARY)
    assert [h["title"] for h in mine] == ["关于开展安全生产检查的请示"]
    assert CANARY in mine[0]["snippet"].replace("<mark>", "").replace("</mark>", "")
    for who in ("reader", "director", "outsider"):
        assert await hits(office, who, CANARY) == [], who
        assert await hits(office, who, "青龙") == [], who


async def test_secrecy_and_the_read_rule_narrow_the_hits(office: Office) -> None:
    titles = {h["title"] for h in await hits(office, "writer", "安全生产")}
    assert titles == {"关于开展安全生产检查的请示", "关于绝密事项的请示"}
    assert [h["title"] for h in await hits(office, "reader", "安全生产")] == [
        "关于开展安全生产检查的请示"
    ], "secret documents only for their initiator and participants"
    assert await hits(office, "outsider", "安全") == [], "no read grant, no hits"


async def test_another_tenant_never_sees_these(office: Office, gql: GraphQL) -> None:
    other = await new_department(name="别的部门")
    result = await gql(SEARCH, {"q": "安全生产"}, token=gql.token(other.admin, other.tenant))
    assert result.data["search"]["edges"] == []


async def test_attachment_names_pages_and_kinds(office: Office, gql: GraphQL) -> None:
    doc_id = await drafted(office, "第一份材料", {"subject": "材料"})
    status, body = await upload(
        gql.url, office.token("writer"), doc_id, "flood-plan.txt", b"x", "text/plain"
    )
    assert status == 200
    assert body["data"]["uploadAttachment"]["errors"] == [], body
    assert [h["id"] for h in await hits(office, "writer", "flood")] == [doc_id]
    for n in range(3):
        await submitted(office, f"应急预案第{n}份", {"subject": "预案"})
    first = await office.run("writer", SEARCH, {"q": "应急预案", "first": 2})
    page = first.data["search"]
    assert len(page["edges"]) == 2
    assert page["hasNextPage"] is True
    rest = await office.run(
        "writer", SEARCH, {"q": "应急预案", "first": 10, "after": page["endCursor"]}
    )
    assert rest.data["search"]["hasNextPage"] is False
    seen = [e["node"]["id"] for e in [*page["edges"], *rest.data["search"]["edges"]]]
    assert len(seen) == len(set(seen)) == 3, "every hit once across the pages"
    assert await hits(office, "writer", "应急预案", kinds=["NOTICE"]) == []


async def test_notices_only_where_published(gql: GraphQL, make_department: Any) -> None:
    units = await units_office(gql, await make_department())
    notice_id = await units.draft(
        title="关于防汛值班安排的通知", orgUnitIds=[units.unit("财务处")], body="请各位同志做好值班"
    )
    assert await hits(units.office, "reader_finance", "防汛值班") == [], "a draft is not found"
    await units.office.ok("admin", "publishNotice", {"id": notice_id}, NOTICE)
    found = await hits(units.office, "reader_finance", "值班", kinds=["NOTICE"])
    assert [(h["kind"], h["id"]) for h in found] == [("NOTICE", notice_id)]
    assert await hits(units.office, "reader_office", "值班") == [], "not published to her"
    await units.office.ok("admin", "revokeNotice", {"id": notice_id}, NOTICE)
    assert await hits(units.office, "reader_finance", "值班") == []


async def test_bad_paging_is_a_client_error(office: Office) -> None:
    result = await office.run("writer", SEARCH, {"q": "安全", "first": 10_000})
    assert result.errors
    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    cursor = await office.run("writer", SEARCH, {"q": "安全", "after": "nonsense"})
    assert cursor.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_page_of_hits_costs_the_same_statements_however_many(
    office: Office, count_queries: Any
) -> None:
    query = (
        "query($q: String!) { search(query: $q, first: 50) { edges { node { title snippet "
        "subject { ... on Document { number initiator { displayName } } } } } } }"
    )

    async def cost(word: str) -> tuple[int, int]:
        with count_queries() as counted:
            result = await office.run("reader", query, {"q": word})
        return counted(), len(result.data["search"]["edges"])

    for n in range(4):
        await submitted(office, f"节能减排第{n}期报告", {"subject": "节能"})
    await submitted(office, "水资源报告", {"subject": "水资源"})
    await cost("水资源")
    few_queries, few = await cost("水资源")
    many_queries, many = await cost("节能减排")
    assert (few, many) == (1, 4)
    assert many_queries == few_queries
