"""Issues (期) of a publication: the editor assembles one from contributed articles, an
approval flow of the publication's document type signs it off (the one flow engine), and
publishing numbers it 第N期 (gap-free per publication and year, as 文号: the sequence row
is locked for the rest of the publishing transaction), adopts its articles (采用) and sends
a copy to every subscribing tenant, as exchange copies what it sends."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from i18n import _
from models.access import Actor
from models.documents import DocumentStatus
from models.publications import (
    Article,
    ArticleStatus,
    IssueSequence,
    IssueStatus,
    Publication,
    PublicationIssue,
    PublicationSubscriber,
)
from models.scope import TenantScope
from models.tenants import Tenant
from services import indexing
from services.documents import lifecycle, outcomes
from services.documents.runtime import Run
from services.errors import Code, ServiceError, not_found
from services.inputs import Checks, parse_id
from services.publications.editing import publication_of, record, require_editor
from services.rows import locked
from services.uow import Work, transaction
from subscriptions.topics import Topic

KIND = "issue"
EDITABLE = (IssueStatus.DRAFT, IssueStatus.REJECTED)


def label(issue: PublicationIssue) -> str:
    """第N期 with its year, once numbered."""
    return f"{issue.year}年第{issue.number}期" if issue.number else ""


async def create_issue(
    actor: Actor | None,
    *,
    publication_id: uuid.UUID | str,
    theme: str = "",
    article_ids: list[Any] | None = None,
) -> PublicationIssue:
    """A draft issue carrying the chosen articles, in the order given."""
    actor = require_editor(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if len(theme) > 300:
            checks.fail(Code.TOO_LONG, _("theme is longer than 300 characters"), "theme")
    async with transaction(actor) as work:
        publication = await publication_of(scope, publication_id, "publicationId")
        if publication.source_publication_id is not None:
            raise ServiceError.of(
                Code.INVALID_STATE, _("A received publication has no editors here"), "publicationId"
            )
        issue = await scope.create(
            PublicationIssue,
            publication_id=publication.id,
            theme=theme.strip(),
            editor_id=actor.user_id,
        )
        await _place(scope, issue, article_ids or [])
        record(work, actor.tenant_id, "PublicationIssue", issue.id, Topic.ISSUE_CHANGED, "created")
    return issue


async def set_issue_articles(
    actor: Actor | None, *, id: uuid.UUID | str, article_ids: list[Any]
) -> PublicationIssue:
    """Replace the articles of a draft issue (those left out are free again)."""
    actor = require_editor(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        issue = await _editable(scope, id)
        await (
            scope.query(Article)
            .filter(issue_id=issue.id)
            .update(issue_id=None, status=ArticleStatus.SUBMITTED, position=0)
        )
        await _place(scope, issue, article_ids)
        issue.version += 1
        await issue.save()
        record(
            work, actor.tenant_id, "PublicationIssue", issue.id, Topic.ISSUE_CHANGED, "assembled"
        )
    return issue


async def _place(scope: TenantScope, issue: PublicationIssue, article_ids: list[Any]) -> None:
    keys = [parse_id(a) for a in article_ids]
    if len(set(keys)) != len(keys):
        raise ServiceError.of(Code.DUPLICATE, _("An article is named twice"), "articleIds")
    rows = {
        a.id: a
        for a in await scope.query(Article)
        .filter(id__in=[k for k in keys if k], publication_id=issue.publication_id)
        .select_for_update()
    }
    if None in keys or len(rows) != len(keys):
        raise not_found(_("Article"), "articleIds")
    taken = [a.title for a in rows.values() if a.status is not ArticleStatus.SUBMITTED]
    if taken:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("Already placed, adopted or declined: {taken}", taken=", ".join(taken)),
            "articleIds",
        )
    for position, key in enumerate(keys, start=1):
        article = rows[key]  # type: ignore[index]
        article.issue_id, article.status, article.position = (
            issue.id,
            ArticleStatus.SELECTED,
            position,
        )
        await article.save(update_fields=["issue_id", "status", "position", "updated_at"])


async def _editable(scope: TenantScope, id: Any) -> PublicationIssue:
    issue = await locked(scope, PublicationIssue, id, _("Issue"), "id")
    if issue.status not in EDITABLE or issue.source_issue_id is not None:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("A {status} issue cannot be changed", status=issue.status.value),
            "id",
        )
    return issue


async def publish_issue(actor: Actor | None, *, id: uuid.UUID | str) -> PublicationIssue:
    """Sign off through the publication's approval document type (PENDING until its flow
    ends), or publish at once when the publication has none."""
    actor = require_editor(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        issue = await _editable(scope, id)
        if not await scope.query(Article).filter(issue_id=issue.id).exists():
            raise ServiceError.of(Code.REQUIRED, _("An issue needs at least one article"), "id")
        publication = await scope.query(Publication).get(id=issue.publication_id)
        if publication.approval_document_type_id is None:
            await publish(work, scope, issue)
            return issue
        document = await lifecycle.create_document(
            actor,
            document_type_id=publication.approval_document_type_id,
            title=f"{publication.title} {issue.theme}".strip(),
            form_data={"body": await _summary(scope, issue)},
        )
        issue.status, issue.approval_document_id = IssueStatus.PENDING, document.id
        issue.version += 1
        await issue.save()
        record(
            work, actor.tenant_id, "PublicationIssue", issue.id, Topic.ISSUE_CHANGED, "submitted"
        )
        await lifecycle.submit_document(actor, id=document.id)
        await issue.refresh_from_db()
    return issue


async def _summary(scope: TenantScope, issue: PublicationIssue) -> str:
    """What the approver reads: the issue's theme and its articles' titles and units."""
    articles = await scope.query(Article).filter(issue_id=issue.id).order_by("position")
    return "\n".join(
        [issue.theme, *(f"{a.position}. {a.title}（{a.unit_name}）" for a in articles)]
    )


async def _next_number(scope: TenantScope, publication_id: uuid.UUID, year: int) -> int:
    query = scope.query(IssueSequence).filter(publication_id=publication_id, year=year)
    row = await query.select_for_update().get_or_none()
    if row is None:
        try:
            async with in_transaction():
                await scope.create(IssueSequence, publication_id=publication_id, year=year)
        except IntegrityError:
            pass
        row = await query.select_for_update().get()
    row.last_seq += 1
    await row.save(update_fields=["last_seq", "updated_at"])
    return row.last_seq


async def publish(work: Work, scope: TenantScope, issue: PublicationIssue) -> None:
    issue.year = work.now.year
    issue.number = await _next_number(scope, issue.publication_id, issue.year)
    issue.status, issue.published_at = IssueStatus.PUBLISHED, work.now
    issue.version += 1
    await issue.save()
    await (
        scope.query(Article)
        .filter(issue_id=issue.id)
        .update(status=ArticleStatus.ADOPTED, adopted_at=work.now)
    )
    publication = await scope.query(Publication).get(id=issue.publication_id)
    articles = await scope.query(Article).filter(issue_id=issue.id).order_by("position")
    await index_issue(scope, publication, issue, articles)
    record(
        work,
        scope.tenant_id,
        "PublicationIssue",
        issue.id,
        Topic.ISSUE_CHANGED,
        "published",
        number=label(issue),
    )
    for subscriber in await scope.query(PublicationSubscriber).filter(
        publication_id=publication.id
    ):
        await _deliver(
            work, scope.tenant_id, publication, issue, articles, subscriber.subscriber_tenant_id
        )


async def index_issue(
    scope: TenantScope, publication: Publication, issue: PublicationIssue, articles: list[Article]
) -> None:
    text = [issue.theme, *(f"{a.title}\n{a.unit_name}\n{a.body}" for a in articles)]
    entry = indexing.Entry(f"{publication.title} {label(issue)}", "\n".join(text))
    await indexing.put(scope, KIND, issue.id, [entry])


async def _deliver(
    work: Work,
    sender_id: uuid.UUID,
    publication: Publication,
    issue: PublicationIssue,
    articles: list[Article],
    tenant_id: uuid.UUID,
) -> None:
    """The subscriber's own copy of the issue (and of the publication, on its first issue)."""
    there = TenantScope(tenant_id)
    if await Tenant.filter(id=tenant_id).count() == 0:
        return
    mirror = await there.query(Publication).filter(source_publication_id=publication.id).first()
    if mirror is None:
        mirror = await there.create(
            Publication,
            title=publication.title,
            kind=publication.kind,
            description=publication.description,
            source_tenant_id=sender_id,
            source_publication_id=publication.id,
        )
    copy = await there.create(
        PublicationIssue,
        publication_id=mirror.id,
        theme=issue.theme,
        year=issue.year,
        number=issue.number,
        status=IssueStatus.PUBLISHED,
        published_at=issue.published_at,
        source_tenant_id=sender_id,
        source_issue_id=issue.id,
    )
    copies = [
        Article(
            publication_id=mirror.id,
            issue_id=copy.id,
            title=a.title,
            body=a.body,
            unit_name=a.unit_name,
            status=ArticleStatus.ADOPTED,
            position=a.position,
            adopted_at=a.adopted_at,
        )
        for a in articles
    ]
    await there.bulk_create(Article, copies)
    await index_issue(there, mirror, copy, copies)
    record(work, tenant_id, "PublicationIssue", copy.id, Topic.ISSUE_CHANGED, "received")


@outcomes.listen
async def approval_ended(run: Run) -> None:
    """Completed: publish the issue; otherwise it goes back to the editor as REJECTED."""
    issue = (
        await run.scope.query(PublicationIssue)
        .filter(approval_document_id=run.document.id, status=IssueStatus.PENDING)
        .select_for_update()
        .first()
    )
    if issue is None:
        return
    if run.document.status is DocumentStatus.COMPLETED:
        await publish(run.work, run.scope, issue)
        return
    issue.status = IssueStatus.REJECTED
    issue.version += 1
    await issue.save()
    record(
        run.work, run.scope.tenant_id, "PublicationIssue", issue.id, Topic.ISSUE_CHANGED, "rejected"
    )
