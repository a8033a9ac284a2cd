"""Publications (信息刊物) and their articles: an editor (publications.edit) sets up a
publication and its readers; units contribute articles (投稿); the editor declines those it
will not use."""

from __future__ import annotations

import uuid
from typing import Any

from i18n import _
from models.access import Actor, Permission
from models.directory import Membership, OrgUnit, Role, User
from models.publications import (
    Article,
    ArticleStatus,
    Publication,
    PublicationKind,
    PublicationSubscriber,
)
from models.scope import TenantScope
from models.tenants import Tenant, TenantStatus
from services.errors import Code, ServiceError, not_found, signed_in
from services.exchange import partners
from services.inputs import Checks, parse_id
from services.rows import existing, found, locked
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

MAX_TITLE = 200


def edits(actor: Actor) -> bool:
    return actor.has(Permission.PUBLICATIONS_EDIT) or actor.has(Permission.TENANT_ADMIN)


def require_editor(actor: Actor | None) -> Actor:
    actor = signed_in(actor)
    if not edits(actor):
        raise ServiceError.of(Code.FORBIDDEN, _("You lack the permission publications.edit"))
    return actor


async def create_publication(
    actor: Actor | None,
    *,
    title: str,
    kind: str = PublicationKind.JOURNAL.value,
    description: str = "",
    approval_document_type_id: uuid.UUID | str | None = None,
    to_everyone: bool = True,
    org_unit_ids: list[Any] | None = None,
    role_ids: list[Any] | None = None,
    subscriber_tenant_ids: list[Any] | None = None,
) -> Publication:
    """A publication such as 《政务信息》, read by everyone in the tenant or by chosen units and
    roles, and by the subscribing tenants."""
    actor = require_editor(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        title = checks.text(title, "title", max_length=MAX_TITLE)
        if kind not in {k.value for k in PublicationKind}:
            checks.fail(
                Code.INVALID,
                _(
                    "kind must be one of {PublicationKind}",
                    PublicationKind=", ".join(PublicationKind),
                ),
                "kind",
            )
        if len(description) > 2000:
            checks.fail(
                Code.TOO_LONG, _("description is longer than 2000 characters"), "description"
            )
        units = [str(u) for u in await existing(scope, OrgUnit, org_unit_ids, "orgUnitIds", checks)]
        roles = [str(r) for r in await existing(scope, Role, role_ids, "roleIds", checks)]
        subscribers = await _subscribers(actor, subscriber_tenant_ids, checks)
        if not to_everyone and not units and not roles:
            checks.fail(
                Code.REQUIRED, _("Choose its readers: everyone, units or roles"), "toEveryone"
            )
        # An over-long title is refused above; the column would refuse it in the query.
        if len(title) <= MAX_TITLE and await scope.query(Publication).filter(title=title).exists():
            checks.fail(Code.DUPLICATE, _("A publication of this title exists"), "title")
    async with transaction(actor) as work:
        publication = await scope.create(
            Publication,
            title=title,
            kind=PublicationKind(kind),
            description=description,
            approval_document_type_id=parse_id(approval_document_type_id),
            to_everyone=to_everyone,
            unit_ids=units,
            role_ids=roles,
        )
        await scope.bulk_create(
            PublicationSubscriber,
            [
                PublicationSubscriber(publication_id=publication.id, subscriber_tenant_id=t)
                for t in subscribers
            ],
        )
        record(
            work,
            actor.tenant_id,
            "Publication",
            publication.id,
            Topic.PUBLICATION_CHANGED,
            "created",
            title=title,
        )
    return publication


async def _subscribers(actor: Actor, values: Any, checks: Checks) -> list[uuid.UUID]:
    """Subscribers are tenants the publisher may send documents to (the exchange rule:
    below it, its parent, its partners), active ones."""
    keys = [parse_id(v) for v in values or []]
    wanted = {k for k in keys if k is not None}
    sender = await Tenant.get(id=actor.tenant_id)
    reachable = partners.recipients_of(sender).filter(
        id__in=list(wanted), status=TenantStatus.ACTIVE
    )
    active = {t.id for t in await reachable.only("id")}
    if None in keys or wanted - active:
        checks.fail(
            Code.NOT_FOUND,
            _("Some subscriber tenants were not found among those you exchange with"),
            "subscriberTenantIds",
        )
    return sorted(active)


async def contribute_article(
    actor: Actor | None,
    *,
    publication_id: uuid.UUID | str,
    title: str,
    body: str = "",
    org_unit_id: uuid.UUID | str | None = None,
) -> Article:
    """投稿: an article from one of the contributor's units (her primary one by default)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        title = checks.text(title, "title", max_length=300)
        if len(body) > 100_000:
            checks.fail(Code.TOO_LONG, _("body is longer than 100000 characters"), "body")
    publication = await found(scope, Publication, publication_id, _("Publication"), "publicationId")
    if publication.source_publication_id is not None:
        raise ServiceError.of(
            Code.INVALID_STATE, _("A received publication takes no articles"), "publicationId"
        )
    mine: list[Any] = (
        await scope.query(Membership)
        .filter(user_id=actor.user_id)
        .values_list("org_unit_id", flat=True)
    )
    if org_unit_id is not None:
        unit_key = parse_id(org_unit_id)
    else:
        author = await scope.get(User, actor.user_id)
        primary = author.primary_org_unit_id if author else None
        unit_key = primary if primary in mine else (mine[0] if mine else None)
    if unit_key is None or unit_key not in mine:
        raise ServiceError.of(Code.INVALID, _("Contribute for one of your own units"), "orgUnitId")
    unit = await scope.query(OrgUnit).get(id=unit_key)
    async with transaction(actor) as work:
        article = await scope.create(
            Article,
            publication_id=publication.id,
            title=title,
            body=body,
            author_id=actor.user_id,
            org_unit_id=unit.id,
            unit_name=unit.name,
        )
        record(
            work,
            actor.tenant_id,
            "Article",
            article.id,
            Topic.ARTICLE_CHANGED,
            "contributed",
            title=title,
        )
    return article


async def decline_article(
    actor: Actor | None, *, id: uuid.UUID | str, reason: str | None = None
) -> Article:
    """The editor will not use an article (it counts as not adopted)."""
    actor = require_editor(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        reason = checks.optional_text(reason, "reason", max_length=1000)
    async with transaction(actor) as work:
        article = await locked(scope, Article, id, _("Article"), "id")
        if article.status is not ArticleStatus.SUBMITTED:
            raise ServiceError.of(
                Code.INVALID_STATE,
                _("A {status} article cannot be declined", status=article.status.value),
                "id",
            )
        article.status = ArticleStatus.DECLINED
        await article.save()
        record(
            work,
            actor.tenant_id,
            "Article",
            article.id,
            Topic.ARTICLE_CHANGED,
            "declined",
            reason=reason,
        )
    return article


def record(
    work: Work,
    tenant_id: uuid.UUID,
    kind: str,
    key: uuid.UUID,
    topic: Topic,
    action: str,
    **data: Any,
) -> None:
    """The audit entry and the event of one change."""
    name = {"Publication": "publication", "Article": "article", "PublicationIssue": "issue"}[kind]
    work.audit(tenant_id, f"publication.{name}_{action}", kind, key, data)
    work.emit(tenant_id, topic, {f"{name}Id": global_id(kind, key), "action": action})


async def publication_of(scope: TenantScope, id: Any, field: str) -> Publication:
    publication = await scope.get(Publication, id)
    if publication is None:
        raise not_found(_("Publication"), field)
    return publication
