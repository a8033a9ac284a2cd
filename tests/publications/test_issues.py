"""Issues called as services: assembling (order, refusals), publishing at once (numbering per
publication, adoption, the search index, copies to subscribers), each audit entry and event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.publications import (
    Article,
    ArticleStatus,
    IssueStatus,
    Publication,
    PublicationIssue,
)
from models.scope import TenantScope
from models.search import SearchEntry
from server.settings import Settings
from services.publications import (
    contribute_article,
    create_issue,
    create_publication,
    label,
    publish_issue,
    set_issue_articles,
)
from subscriptions.topics import global_id
from tests.notices.trail import audits, events, refusal
from tests.publications.support import Desk, desk

UNKNOWN = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def office(database: Settings) -> Desk:
    return await desk()


async def articles_of(office: Desk, publication: Publication, *titles: str) -> list[Article]:
    return [
        await contribute_article(
            office.people["clerk"], publication_id=publication.id, title=t, body=f"{t}正文"
        )
        for t in titles
    ]


async def rows(scope: TenantScope, issue: PublicationIssue) -> list[tuple[str, str, int]]:
    placed = await scope.query(Article).filter(issue_id=issue.id).order_by("position")
    return [(a.title, a.status.value, a.position) for a in placed]


def test_the_label_of_an_issue() -> None:
    assert label(PublicationIssue(year=2026, number=3)) == "2026年第3期"
    assert label(PublicationIssue(year=2026, number=None)) == ""


async def test_an_issue_is_assembled_in_the_order_given(office: Desk) -> None:
    publication = await create_publication(office.admin, title="政务信息")
    one, two, three = await articles_of(office, publication, "一", "二", "三")
    editor = office.people["editor"]
    issue = await create_issue(
        editor,
        publication_id=str(publication.id),
        theme="  专刊 ",
        article_ids=[str(two.id), one.id],
    )
    await issue.refresh_from_db()
    assert (issue.theme, issue.status, issue.editor_id, issue.version) == (
        "专刊",
        IssueStatus.DRAFT,
        editor.user_id,
        1,
    )
    assert (issue.number, issue.year) == (None, None)
    assert await rows(office.scope, issue) == [("二", "selected", 1), ("一", "selected", 2)]
    changed = await set_issue_articles(editor, id=issue.id, article_ids=[three.id, two.id])
    assert changed.version == 2
    assert await rows(office.scope, issue) == [("三", "selected", 1), ("二", "selected", 2)]
    await one.refresh_from_db()
    assert (one.issue_id, one.status, one.position) == (None, ArticleStatus.SUBMITTED, 0)
    tenant = office.department.tenant.id
    assert await audits(tenant, "publication.issue") == [
        ("publication.issue_created", "PublicationIssue", str(issue.id), editor.user_id, {}),
        ("publication.issue_assembled", "PublicationIssue", str(issue.id), editor.user_id, {}),
    ]
    assert await events(tenant, "publication.issue_changed") == [
        {"issueId": global_id("PublicationIssue", issue.id), "action": action}
        for action in ("created", "assembled")
    ]
    empty = await create_issue(editor, publication_id=publication.id)
    assert (empty.theme, await rows(office.scope, empty)) == ("", [])


async def test_articles_refused_for_an_issue(office: Desk) -> None:
    publication = await create_publication(office.admin, title="政务信息")
    other = await create_publication(office.admin, title="简报")
    one, two = await articles_of(office, publication, "一", "二")
    (foreign,) = await articles_of(office, other, "别刊")
    issue = await create_issue(office.admin, publication_id=publication.id, article_ids=[one.id])
    cases = [
        ([two.id, two.id], ("DUPLICATE", "An article is named twice", ("articleIds",))),
        ([foreign.id], ("NOT_FOUND", "Article not found", ("articleIds",))),
        ([UNKNOWN], ("NOT_FOUND", "Article not found", ("articleIds",))),
        (["no id"], ("NOT_FOUND", "Article not found", ("articleIds",))),
        (
            [one.id, two.id],
            ("INVALID_STATE", "Already placed, adopted or declined: 一", ("articleIds",)),
        ),
    ]
    for chosen, problem in cases:
        refused = await refusal(
            create_issue(office.admin, publication_id=publication.id, article_ids=chosen)
        )
        assert refused == [problem], chosen
    (three,) = await articles_of(office, publication, "三")
    await create_issue(office.admin, publication_id=publication.id, article_ids=[three.id])
    ((code, words, field),) = await refusal(
        create_issue(office.admin, publication_id=publication.id, article_ids=[three.id, one.id])
    )
    prefix = "Already placed, adopted or declined: "
    assert (code, field, words.startswith(prefix)) == ("INVALID_STATE", ("articleIds",), True)
    assert sorted(words.removeprefix(prefix).split(", ")) == ["一", "三"], "each taken, once"
    assert await refusal(
        create_issue(office.admin, publication_id=publication.id, theme="t" * 301)
    ) == [("TOO_LONG", "theme is longer than 300 characters", ("theme",))]
    edge = await create_issue(office.admin, publication_id=publication.id, theme="t" * 300)
    assert len(edge.theme) == 300
    assert await refusal(create_issue(office.admin, publication_id=UNKNOWN)) == [
        ("NOT_FOUND", "Publication not found", ("publicationId",))
    ]
    assert await refusal(set_issue_articles(office.admin, id=UNKNOWN, article_ids=[])) == [
        ("NOT_FOUND", "Issue not found", ("id",))
    ]
    forbidden = ("FORBIDDEN", "You lack the permission publications.edit", None)
    clerk = office.people["clerk"]
    assert await refusal(create_issue(clerk, publication_id=publication.id)) == [forbidden]
    assert await refusal(set_issue_articles(clerk, id=issue.id, article_ids=[])) == [forbidden]
    assert await refusal(publish_issue(clerk, id=issue.id)) == [forbidden]


async def test_publishing_numbers_adopts_indexes_and_delivers(office: Desk) -> None:
    subscriber = office.subscriber.tenant.id
    publication = await create_publication(
        office.admin,
        title="政务信息",
        kind="bulletin",
        description="全市政务动态",
        subscriber_tenant_ids=[subscriber],
    )
    one, two = await articles_of(office, publication, "一", "二")
    empty = await create_issue(office.admin, publication_id=publication.id, theme="空")
    assert await refusal(publish_issue(office.admin, id=empty.id)) == [
        ("REQUIRED", "An issue needs at least one article", ("id",))
    ]
    first = await create_issue(
        office.admin, publication_id=publication.id, theme="专刊", article_ids=[two.id, one.id]
    )
    published = await publish_issue(office.people["editor"], id=first.id)
    await published.refresh_from_db()
    year = datetime.now(UTC).year
    assert (published.status, published.year, published.number, published.version) == (
        IssueStatus.PUBLISHED,
        year,
        1,
        2,
    )
    assert published.published_at is not None
    adopted = await office.scope.query(Article).filter(issue_id=first.id).order_by("position")
    assert [(a.title, a.status, a.adopted_at) for a in adopted] == [
        ("二", ArticleStatus.ADOPTED, published.published_at),
        ("一", ArticleStatus.ADOPTED, published.published_at),
    ]
    (entry,) = await office.scope.query(SearchEntry).filter(kind="issue", subject_id=first.id)
    assert entry.title == f"政务信息 {year}年第1期"
    assert entry.content == "专刊\n二\n财务处\n二正文\n一\n财务处\n一正文"
    refused = await refusal(set_issue_articles(office.admin, id=first.id, article_ids=[]))
    assert refused == [("INVALID_STATE", "A published issue cannot be changed", ("id",))]
    assert await refusal(publish_issue(office.admin, id=first.id)) == [
        ("INVALID_STATE", "A published issue cannot be changed", ("id",))
    ]

    there = TenantScope(subscriber)
    (mirror,) = await there.query(Publication).all()
    assert (mirror.title, mirror.kind, mirror.description) == (
        "政务信息",
        publication.kind,
        "全市政务动态",
    )
    assert (mirror.source_tenant_id, mirror.source_publication_id) == (
        office.department.tenant.id,
        publication.id,
    )
    (copy,) = await there.query(PublicationIssue).all()
    assert (copy.theme, copy.year, copy.number, copy.status, copy.published_at) == (
        "专刊",
        year,
        1,
        IssueStatus.PUBLISHED,
        published.published_at,
    )
    assert (copy.publication_id, copy.source_tenant_id, copy.source_issue_id) == (
        mirror.id,
        office.department.tenant.id,
        first.id,
    )
    copied = await there.query(Article).filter(issue_id=copy.id).order_by("position")
    assert [
        (a.publication_id, a.title, a.body, a.unit_name, a.status, a.position, a.adopted_at)
        for a in copied
    ] == [
        (mirror.id, "二", "二正文", "财务处", ArticleStatus.ADOPTED, 1, published.published_at),
        (mirror.id, "一", "一正文", "财务处", ArticleStatus.ADOPTED, 2, published.published_at),
    ]
    (indexed,) = await there.query(SearchEntry).filter(kind="issue", subject_id=copy.id)
    assert indexed.title == f"政务信息 {year}年第1期"
    assert await audits(subscriber, "publication.") == [
        (
            "publication.issue_received",
            "PublicationIssue",
            str(copy.id),
            office.people["editor"].user_id,
            {},
        )
    ]
    assert await events(subscriber, "publication.issue_changed") == [
        {"issueId": global_id("PublicationIssue", copy.id), "action": "received"}
    ]
    published_entries = await audits(office.department.tenant.id, "publication.issue_published")
    assert published_entries == [
        (
            "publication.issue_published",
            "PublicationIssue",
            str(first.id),
            office.people["editor"].user_id,
            {"number": f"{year}年第1期"},
        )
    ]

    (three,) = await articles_of(office, publication, "三")
    second = await create_issue(office.admin, publication_id=publication.id, article_ids=[three.id])
    assert (await publish_issue(office.admin, id=second.id)).number == 2
    assert await there.query(Publication).count() == 1, "the mirror is made once"
    numbers = (
        await there.query(PublicationIssue).order_by("number").values_list("number", flat=True)
    )
    assert numbers == [1, 2]
    other = await create_publication(office.admin, title="简报")
    (four,) = await articles_of(office, other, "四")
    third = await create_issue(office.admin, publication_id=other.id, article_ids=[four.id])
    assert (await publish_issue(office.admin, id=third.id)).number == 1, "per publication"


async def test_a_received_publication_is_not_edited_there(office: Desk) -> None:
    subscriber = office.subscriber
    publication = await create_publication(
        office.admin, title="政务信息", subscriber_tenant_ids=[subscriber.tenant.id]
    )
    (one,) = await articles_of(office, publication, "一")
    issue = await create_issue(office.admin, publication_id=publication.id, article_ids=[one.id])
    await publish_issue(office.admin, id=issue.id)
    mirror = await subscriber.scope.query(Publication).get()
    copy = await subscriber.scope.query(PublicationIssue).get()
    there = subscriber.actor
    assert await refusal(create_issue(there, publication_id=mirror.id)) == [
        ("INVALID_STATE", "A received publication has no editors here", ("publicationId",))
    ]
    assert await refusal(contribute_article(there, publication_id=mirror.id, title="x")) == [
        ("INVALID_STATE", "A received publication takes no articles", ("publicationId",))
    ]
    copy.status = IssueStatus.DRAFT
    await copy.save()
    assert await refusal(set_issue_articles(there, id=copy.id, article_ids=[])) == [
        ("INVALID_STATE", "A draft issue cannot be changed", ("id",))
    ], "a copy is never edited, whatever its status"
