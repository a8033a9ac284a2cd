"""Information publications (信息刊物) through GraphQL: articles from units, an issue
assembled and signed off through the approval flow, numbered 第N期 without gaps, read by
subscribers (another tenant gets its copy), and adoption figures per unit (采用率)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from models.publications import PublicationIssue
from server.settings import Settings
from services.portal.standard import STANDARD_MANIFESTS
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.notices.support import Units, units_office
from tests.publications.support import ARTICLE, ISSUE, contribute

PUBLICATION = "publication { id title kind } "
ISSUES = (
    "query($f: PublicationFilter) { publications(first: 20, filter: $f) { edges { node "
    "{ id title issue kind coverUrl publishedAt theme } } } }"
)


@pytest.fixture(scope="class")
async def state(database: Settings, gql: GraphQL) -> dict[str, Any]:
    units = await units_office(gql, await new_department())
    subscriber = await new_department(units.office.department.tenant, name="订阅单位")
    return {"units": units, "subscriber": subscriber}


@pytest.mark.steps
class TestAnIssueFromArticlesToSubscribers:
    async def test_a_publication_with_approval_and_a_subscriber(
        self, state: dict[str, Any]
    ) -> None:
        units: Units = state["units"]
        created = await units.office.ok(
            "admin",
            "createPublication",
            {
                "title": "政务信息",
                "kind": "bulletin",
                "approvalDocumentTypeId": units.office.type_id,
                "subscriberTenantIds": [gid("Tenant", state["subscriber"].tenant.id)],
            },
            PUBLICATION,
        )
        state["publication"] = created["publication"]["id"]
        stranger = await new_department(name="无关单位")
        again = await units.office.mutate(
            "admin",
            "createPublication",
            {
                "title": "政务信息",
                "kind": "magazine",
                "subscriberTenantIds": [gid("Tenant", stranger.tenant.id)],
            },
            PUBLICATION,
        )
        assert {(e["code"], e["field"][-1]) for e in again["errors"]} == {
            ("DUPLICATE", "title"),
            ("INVALID", "kind"),
            ("NOT_FOUND", "subscriberTenantIds"),
        }, "a stranger is no exchange partner"
        refused = await units.office.mutate(
            "reader_office", "createPublication", {"title": "别的"}, PUBLICATION
        )
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]

    async def test_units_contribute_articles(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        publication = state["publication"]
        state["office_1"] = await contribute(units, "reader_office", publication, "办公室信息一")
        state["office_2"] = await contribute(units, "reader_office", publication, "办公室信息二")
        state["finance_1"] = await contribute(units, "reader_finance", publication, "财务处信息一")
        foreign = await units.office.mutate(
            "reader_office",
            "contributeArticle",
            {"publicationId": publication, "title": "冒名", "orgUnitId": units.unit("财务处")},
            ARTICLE,
        )
        assert [e["code"] for e in foreign["errors"]] == ["INVALID"], "only for her own units"

    async def test_the_editor_assembles_and_submits_an_issue(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        created = await units.office.ok(
            "admin",
            "createIssue",
            {
                "publicationId": state["publication"],
                "theme": "安全生产专刊",
                "articleIds": [state["office_1"], state["finance_1"]],
            },
            ISSUE,
        )
        issue = created["issue"]
        state["issue"] = issue["id"]
        assert issue["status"] == "DRAFT"
        assert issue["number"] is None
        assert [a["status"] for a in issue["articles"]] == ["SELECTED", "SELECTED"]
        twice = await units.office.mutate(
            "admin",
            "createIssue",
            {"publicationId": state["publication"], "articleIds": [state["office_1"]]},
            ISSUE,
        )
        assert [e["code"] for e in twice["errors"]] == ["INVALID_STATE"]
        submitted = await units.office.ok("admin", "publishIssue", {"id": issue["id"]}, ISSUE)
        assert submitted["issue"]["status"] == "PENDING"
        listed = await units.office.run("reader_office", ISSUES)
        assert listed.data["publications"]["edges"] == []

    async def test_the_signed_off_issue_is_numbered_and_read(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        row = await PublicationIssue.get(id=key_of(state["issue"]))
        document_id = gid("Document", row.approval_document_id)
        for who in ("director", "leader", "clerk", "clerk", "clerk2"):
            await units.office.approve(who, document_id)
        listed = await units.office.run("reader_office", ISSUES, {"f": {"kinds": ["bulletin"]}})
        nodes = [e["node"] for e in listed.data["publications"]["edges"]]
        year = datetime.now(UTC).year
        assert [(n["title"], n["issue"], n["kind"]) for n in nodes] == [
            ("政务信息", f"{year}年第1期", "bulletin")
        ]
        none = await units.office.run("reader_office", ISSUES, {"f": {"kinds": ["journal"]}})
        assert none.data["publications"]["edges"] == []

    async def test_the_publications_component_runs_its_operation(
        self, state: dict[str, Any]
    ) -> None:
        units: Units = state["units"]
        manifest = next(m for m in STANDARD_MANIFESTS if m["key"] == "publications")
        result = await units.office.run(
            "reader_finance", manifest["operation"], {"first": 6, "kinds": ["bulletin"]}
        )
        nodes = [e["node"] for e in result.data["publications"]["edges"]]
        assert [(n["title"], n["kind"], n["coverUrl"]) for n in nodes] == [
            ("政务信息", "bulletin", None)
        ]
        assert nodes[0]["issue"].endswith("第1期")

    async def test_the_subscriber_reads_its_copy(self, state: dict[str, Any], gql: GraphQL) -> None:
        subscriber = state["subscriber"]
        listed = await gql(ISSUES, token=gql.token(subscriber.admin, subscriber.tenant))
        nodes = [e["node"] for e in listed.data["publications"]["edges"]]
        assert [(n["title"], n["theme"]) for n in nodes] == [("政务信息", "安全生产专刊")]
        foreign = await gql(
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": state["issue"]},
            token=gql.token(subscriber.admin, subscriber.tenant),
        )
        assert foreign.data["node"] is None, "the original stays the sender's"

    async def test_adoption_figures_per_unit(self, state: dict[str, Any]) -> None:
        units: Units = state["units"]
        declined = await units.office.ok(
            "admin", "declineArticle", {"id": state["office_2"]}, ARTICLE
        )
        assert declined["article"]["status"] == "DECLINED"
        result = await units.office.run(
            "admin",
            "query($id: ID!) { node(id: $id) { ... on Publication { unitStatistics { unitName "
            "contributed adopted adoptionRate } } } }",
            {"id": state["publication"]},
        )
        assert result.data["node"]["unitStatistics"] == [
            {"unitName": "财务处", "contributed": 1, "adopted": 1, "adoptionRate": 1.0},
            {"unitName": "办公室", "contributed": 2, "adopted": 1, "adoptionRate": 0.5},
        ]


async def test_concurrent_publishing_numbers_issues_without_gaps(
    gql: GraphQL, make_department: Any
) -> None:
    """Ten issues published at once get 第1期 … 第10期, each number once."""
    units = await units_office(gql, await make_department())
    created = await units.office.ok("admin", "createPublication", {"title": "简报"}, PUBLICATION)
    publication = created["publication"]["id"]
    issues = []
    for n in range(10):
        article = await contribute(units, "reader_office", publication, f"稿件{n}")
        issue = await units.office.ok(
            "admin", "createIssue", {"publicationId": publication, "articleIds": [article]}, ISSUE
        )
        issues.append(issue["issue"]["id"])
    results = await asyncio.gather(
        *(units.office.mutate("admin", "publishIssue", {"id": i}, ISSUE) for i in issues)
    )
    assert all(r["errors"] == [] for r in results)
    assert sorted(r["issue"]["number"] for r in results) == list(range(1, 11))


async def test_the_issue_list_costs_the_same_statements_however_many_issues(
    gql: GraphQL, make_department: Any, count_queries: Any
) -> None:
    units = await units_office(gql, await make_department())
    query = (
        "{ publications(first: 50) { edges { node { title kind issue publication { title } "
        "articles { title orgUnit { name } } } } } }"
    )

    async def publish(n: int) -> None:
        for i in range(n):
            created = await units.office.ok(
                "admin", "createPublication", {"title": f"刊物{i}-{n}"}, PUBLICATION
            )
            publication = created["publication"]["id"]
            article = await contribute(units, "reader_office", publication, f"稿件{i}")
            issue = await units.office.ok(
                "admin",
                "createIssue",
                {"publicationId": publication, "articleIds": [article]},
                ISSUE,
            )
            await units.office.ok("admin", "publishIssue", {"id": issue["issue"]["id"]}, ISSUE)

    async def cost() -> tuple[int, int]:
        with count_queries() as counted:
            result = await units.office.run("reader_office", query)
        return counted(), len(result.data["publications"]["edges"])

    await publish(1)
    await cost()
    few_queries, few = await cost()
    await publish(3)
    many_queries, many = await cost()
    assert (few, many) == (1, 4)
    assert many_queries == few_queries
