"""Who reads a publication's issues: editors all; others the published issues of the
publications whose readers include them (everyone, or one of their units, a unit above
them, or a role they hold), received copies included."""

from __future__ import annotations

import uuid

from tortoise.queryset import QuerySet

from models.access import Actor
from models.publications import IssueStatus, Publication, PublicationIssue
from models.scope import TenantScope
from services.notices.audience import Reach, reach
from services.publications.editing import edits


async def readable_publications(actor: Actor, found: Reach | None = None) -> list[uuid.UUID]:
    """`found`: the actor's reach, when the caller has it already."""
    scope = TenantScope(actor.tenant_id)
    rows = await scope.query(Publication).all()
    if edits(actor):
        return [p.id for p in rows]
    found = found or await reach(scope, actor.user_id)
    targets = {str(t) for t in found.target_ids}
    return [
        p.id
        for p in rows
        if p.to_everyone or targets & {str(u) for u in [*p.unit_ids, *p.role_ids]}
    ]


async def readable_issues(actor: Actor, found: Reach | None = None) -> QuerySet[PublicationIssue]:
    """Published issues the actor may read, and every issue of any status for editors."""
    scope = TenantScope(actor.tenant_id)
    query = scope.query(PublicationIssue).filter(
        publication_id__in=await readable_publications(actor, found)
    )
    return query if edits(actor) else query.filter(status=IssueStatus.PUBLISHED)
