"""Publications and their articles, called as services: who may edit, each refusal (code,
words, field), what is stored, and the audit entry and event of each change."""

from __future__ import annotations

from typing import Any

import pytest

from models.publications import Article, ArticleStatus, PublicationKind, PublicationSubscriber
from models.tenants import TenantStatus
from server.settings import Settings
from services.publications import (
    contribute_article,
    create_publication,
    decline_article,
    edits,
)
from subscriptions.topics import global_id
from tests.conftest import new_department
from tests.notices.trail import audits, events, refusal
from tests.publications.support import Desk, desk

UNKNOWN = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def office(database: Settings) -> Desk:
    return await desk()


async def test_who_edits(office: Desk) -> None:
    assert edits(office.admin), "a tenant administrator"
    assert edits(office.people["editor"]), "publications.edit"
    assert not edits(office.people["clerk"])
    forbidden = ("FORBIDDEN", "You lack the permission publications.edit", None)
    assert await refusal(create_publication(office.people["clerk"], title="简报")) == [forbidden]
    assert await refusal(decline_article(office.people["clerk"], id=UNKNOWN)) == [forbidden]
    assert await refusal(create_publication(None, title="简报")) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]


async def test_a_publication_is_stored_audited_and_announced(office: Desk) -> None:
    editor = office.people["editor"]
    units = [office.units["办公室"].id]
    roles = [office.editor_role.id]
    publication = await create_publication(
        editor,
        title="  政务信息  ",
        kind="briefing",
        description="d" * 2000,
        to_everyone=False,
        org_unit_ids=units,
        role_ids=roles,
        subscriber_tenant_ids=[office.subscriber.tenant.id],
    )
    await publication.refresh_from_db()
    assert (publication.title, publication.kind, publication.to_everyone) == (
        "政务信息",
        PublicationKind.BRIEFING,
        False,
    )
    assert publication.description == "d" * 2000
    assert (publication.unit_ids, publication.role_ids) == ([str(units[0])], [str(roles[0])])
    assert publication.approval_document_type_id is None
    subscribers = await office.scope.query(PublicationSubscriber).filter(
        publication_id=publication.id
    )
    assert [s.subscriber_tenant_id for s in subscribers] == [office.subscriber.tenant.id]
    tenant = office.department.tenant.id
    assert await audits(tenant, "publication.") == [
        (
            "publication.publication_created",
            "Publication",
            str(publication.id),
            editor.user_id,
            {"title": "政务信息"},
        )
    ]
    assert await events(tenant, "publication.changed") == [
        {"publicationId": global_id("Publication", publication.id), "action": "created"}
    ]
    default = await create_publication(editor, title="简报")
    assert (default.kind, default.to_everyone, default.description) == (
        PublicationKind.JOURNAL,
        True,
        "",
    )


async def test_readers_of_units_or_roles_alone_will_do(office: Desk) -> None:
    editor = office.people["editor"]
    by_unit = await create_publication(
        editor, title="处室简报", to_everyone=False, org_unit_ids=[office.units["财务处"].id]
    )
    by_role = await create_publication(
        editor, title="编辑通讯", to_everyone=False, role_ids=[office.editor_role.id]
    )
    assert (by_unit.role_ids, by_role.unit_ids) == ([], [])


async def test_bad_publications_are_refused_together(office: Desk) -> None:
    await create_publication(office.admin, title="政务信息")
    refused = await refusal(
        create_publication(
            office.admin,
            title="政务信息",
            kind="daily",
            description="d" * 2001,
            to_everyone=False,
            org_unit_ids=[UNKNOWN],
            role_ids=[UNKNOWN],
        )
    )
    assert refused == [
        ("INVALID", "kind must be one of journal, bulletin, briefing, newsletter", ("kind",)),
        ("TOO_LONG", "description is longer than 2000 characters", ("description",)),
        ("NOT_FOUND", "Some of orgUnitIds were not found", ("orgUnitIds",)),
        ("NOT_FOUND", "Some of roleIds were not found", ("roleIds",)),
        ("REQUIRED", "Choose its readers: everyone, units or roles", ("toEveryone",)),
        ("DUPLICATE", "A publication of this title exists", ("title",)),
    ]
    assert await refusal(create_publication(office.admin, title="t" * 201)) == [
        ("TOO_LONG", "title is longer than 200 characters", ("title",))
    ]
    assert (await create_publication(office.admin, title="t" * 200)).title == "t" * 200
    assert len(await audits(office.department.tenant.id, "publication.")) == 2


async def test_subscribers_are_active_exchange_partners(office: Desk) -> None:
    stranger = await new_department(name="无关单位")
    closed = await new_department(office.department.tenant, name="撤销单位")
    await closed.tenant.filter(id=closed.tenant.id).update(status=TenantStatus.SUSPENDED)
    words = "Some subscriber tenants were not found among those you exchange with"
    for chosen in ([stranger.tenant.id], [closed.tenant.id], ["no id"]):
        refused = await refusal(
            create_publication(office.admin, title="简报", subscriber_tenant_ids=chosen)
        )
        assert refused == [("NOT_FOUND", words, ("subscriberTenantIds",))], chosen
    both = await create_publication(
        office.admin,
        title="简报",
        subscriber_tenant_ids=[office.subscriber.tenant.id, office.subscriber.tenant.id],
    )
    rows = await office.scope.query(PublicationSubscriber).filter(publication_id=both.id)
    assert [r.subscriber_tenant_id for r in rows] == [office.subscriber.tenant.id]


async def contributed(office: Desk, who: str = "clerk", **values: Any) -> Article:
    publication = await create_publication(office.admin, title=values.pop("into", "政务信息"))
    return await contribute_article(
        office.people[who], publication_id=publication.id, title="信息一", **values
    )


async def test_an_article_comes_from_the_primary_unit_or_one_named(office: Desk) -> None:
    clerk = office.people["clerk"]
    article = await contributed(office, body="正文")
    await article.refresh_from_db()
    assert (article.title, article.body, article.status, article.position) == (
        "信息一",
        "正文",
        ArticleStatus.SUBMITTED,
        0,
    )
    assert (article.author_id, article.org_unit_id, article.unit_name) == (
        clerk.user_id,
        office.units["财务处"].id,
        "财务处",
    ), "her primary unit"
    named = await contribute_article(
        clerk,
        publication_id=article.publication_id,
        title="信息二",
        org_unit_id=str(office.units["秘书科"].id),
    )
    assert (named.org_unit_id, named.unit_name) == (office.units["秘书科"].id, "秘书科")
    tenant = office.department.tenant.id
    entries = await audits(tenant, "publication.article")
    assert entries == [
        ("publication.article_contributed", "Article", str(a.id), clerk.user_id, {"title": t})
        for a, t in ((article, "信息一"), (named, "信息二"))
    ]
    assert await events(tenant, "publication.article_changed") == [
        {"articleId": global_id("Article", a.id), "action": "contributed"} for a in (article, named)
    ]


async def test_an_article_refused(office: Desk) -> None:
    publication = await create_publication(office.admin, title="政务信息")
    clerk = office.people["clerk"]
    own = "Contribute for one of your own units"
    for unit in (office.units["办公室"].id, UNKNOWN):
        refused = await refusal(
            contribute_article(clerk, publication_id=publication.id, title="x", org_unit_id=unit)
        )
        assert refused == [("INVALID", own, ("orgUnitId",))]
    loner = await refusal(
        contribute_article(office.people["loner"], publication_id=publication.id, title="x")
    )
    assert loner == [("INVALID", own, ("orgUnitId",))]
    checked = await refusal(
        contribute_article(clerk, publication_id=publication.id, title=" ", body="b" * 100_001)
    )
    assert checked == [
        ("REQUIRED", "title must not be empty", ("title",)),
        ("TOO_LONG", "body is longer than 100000 characters", ("body",)),
    ]
    long = await refusal(contribute_article(clerk, publication_id=publication.id, title="t" * 301))
    assert long == [("TOO_LONG", "title is longer than 300 characters", ("title",))]
    edge = await contribute_article(
        clerk, publication_id=publication.id, title="t" * 300, body="b" * 100_000
    )
    assert len(edge.body) == 100_000
    missing = await refusal(contribute_article(clerk, publication_id=UNKNOWN, title="x"))
    assert missing == [("NOT_FOUND", "Publication not found", ("publicationId",))]
    assert await refusal(contribute_article(None, publication_id=UNKNOWN, title="x")) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]


async def test_declining_an_article(office: Desk) -> None:
    article = await contributed(office)
    editor = office.people["editor"]
    refused = await refusal(decline_article(editor, id=article.id, reason="r" * 1001))
    assert refused == [("TOO_LONG", "reason is longer than 1000 characters", ("reason",))]
    declined = await decline_article(editor, id=str(article.id), reason=" 重复 ")
    await declined.refresh_from_db()
    assert declined.status is ArticleStatus.DECLINED
    again = await refusal(decline_article(editor, id=article.id))
    assert again == [("INVALID_STATE", "A declined article cannot be declined", ("id",))]
    missing = await refusal(decline_article(editor, id=UNKNOWN))
    assert missing == [("NOT_FOUND", "Article not found", ("id",))]
    tenant = office.department.tenant.id
    assert (await audits(tenant, "publication.article_declined")) == [
        (
            "publication.article_declined",
            "Article",
            str(article.id),
            editor.user_id,
            {"reason": "重复"},
        )
    ]
    assert (await events(tenant, "publication.article_changed"))[-1] == {
        "articleId": global_id("Article", article.id),
        "action": "declined",
    }
    other = await contributed(office, into="简报")
    await decline_article(office.admin, id=other.id)
    entries = await audits(tenant, "publication.article_declined")
    assert entries[-1][-1] == {"reason": None}
