"""An issue signed off through its publication's approval flow, called as services: what the
approver reads, PENDING meanwhile, published when the flow completes, REJECTED (and editable
again) when it ends otherwise; and who reads which issues."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models.access import DataScope
from models.documents import Document
from models.publications import IssueStatus, PublicationIssue
from services import directory
from services.publications import (
    contribute_article,
    create_issue,
    create_publication,
    publish_issue,
    readable_issues,
    readable_publications,
    set_issue_articles,
)
from tests.conftest import GraphQL, gid, key_of
from tests.notices.support import Units, units_office
from tests.notices.trail import actor_of, audits, refusal
from tests.publications.support import desk

DOC = "document { id status } "


async def pending_issue(units: Units, theme: str) -> tuple[PublicationIssue, Document]:
    admin = units.office.department.actor
    publication = await create_publication(
        admin, title=f"政务信息{theme}", approval_document_type_id=key_of(units.office.type_id)
    )
    reader = await actor_of(units.office.users["reader_office"])
    ids = [
        (await contribute_article(reader, publication_id=publication.id, title=t)).id
        for t in ("信息一", "信息二")
    ]
    issue = await create_issue(admin, publication_id=publication.id, theme=theme, article_ids=ids)
    submitted = await publish_issue(admin, id=issue.id)
    document = await Document.get(id=submitted.approval_document_id)
    return submitted, document


async def test_an_issue_goes_through_its_approval_flow(gql: GraphQL, make_department: Any) -> None:
    units = await units_office(gql, await make_department())
    issue, document = await pending_issue(units, "专刊")
    assert (issue.status, issue.version, issue.number) == (IssueStatus.PENDING, 2, None)
    assert document.title == "政务信息专刊 专刊"
    assert document.form_data["body"] == "专刊\n1. 信息一（办公室）\n2. 信息二（办公室）"
    admin = units.office.department.actor
    assert await refusal(publish_issue(admin, id=issue.id)) == [
        ("INVALID_STATE", "A pending issue cannot be changed", ("id",))
    ]
    for who in ("director", "leader", "clerk", "clerk", "clerk2"):
        await units.office.approve(who, gid("Document", document.id))
    await issue.refresh_from_db()
    assert (issue.status, issue.number, issue.year) == (
        IssueStatus.PUBLISHED,
        1,
        datetime.now(UTC).year,
    )
    actions = [a[0] for a in await audits(units.office.department.tenant.id, "publication.issue")]
    assert actions == [
        "publication.issue_created",
        "publication.issue_submitted",
        "publication.issue_published",
    ]


async def test_an_issue_ended_otherwise_is_rejected_and_editable(
    gql: GraphQL, make_department: Any
) -> None:
    units = await units_office(gql, await make_department())
    issue, document = await pending_issue(units, "")
    assert document.title == "政务信息", "no theme, no trailing space"
    await units.office.ok("admin", "terminateDocument", {"id": gid("Document", document.id)}, DOC)
    await issue.refresh_from_db()
    assert (issue.status, issue.version, issue.number) == (IssueStatus.REJECTED, 3, None)
    tenant = units.office.department.tenant.id
    (entry,) = await audits(tenant, "publication.issue_rejected")
    assert entry[1:3] == ("PublicationIssue", str(issue.id))
    admin = units.office.department.actor
    changed = await set_issue_articles(admin, id=issue.id, article_ids=[])
    assert (changed.status, changed.version) == (IssueStatus.REJECTED, 4)


async def test_who_reads_which_publications(database: Any) -> None:
    office = await desk()
    admin = office.admin
    everyone = await create_publication(admin, title="全员")
    section = await create_publication(
        admin, title="办公室的", to_everyone=False, org_unit_ids=[office.units["办公室"].id]
    )
    finance = await create_publication(
        admin, title="财务处的", to_everyone=False, org_unit_ids=[office.units["财务处"].id]
    )
    editors = await create_publication(
        admin, title="编辑的", to_everyone=False, role_ids=[office.editor_role.id]
    )
    readers = await directory.create_role(
        admin, code="reader", name="读者", permissions=[], data_scope=DataScope.SELF
    )
    await directory.assign_role(admin, user_id=office.people["loner"].user_id, role_id=readers.id)
    by_role = await create_publication(
        admin, title="读者的", to_everyone=False, role_ids=[readers.id]
    )
    mine = {
        who: set(await readable_publications(office.people[who]))
        for who in ("clerk", "accountant", "loner", "editor")
    }
    assert mine["clerk"] == {everyone.id, section.id, finance.id}, "秘书科 is below 办公室"
    assert mine["accountant"] == {everyone.id, finance.id}
    assert mine["loner"] == {everyone.id, by_role.id}, "by a role she holds"
    assert mine["editor"] == {everyone.id, section.id, finance.id, editors.id, by_role.id}
    clerk = office.people["clerk"]
    article = await contribute_article(clerk, publication_id=everyone.id, title="一")
    draft = await create_issue(admin, publication_id=everyone.id, article_ids=[article.id])
    assert [i.id for i in await (await readable_issues(office.people["editor"]))] == [draft.id]
    assert await (await readable_issues(clerk)) == [], "a draft is the editors'"
    await publish_issue(admin, id=draft.id)
    assert [i.id for i in await (await readable_issues(clerk))] == [draft.id]
