"""Who may read a document, in one place for queries, attachments and subscriptions.

Readers: the initiator, participants (anyone who held a task or acted), recipients of a
circulation (传阅 / 抄送), holders of `documents.read` (or tenant admins) whose data scope
reaches the document's org unit. From `secret` upwards only the initiator and participants may
read: secrecy narrows the rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.access import Actor, DataScope, Permission
from models.circulation import CirculationRecipient
from models.directory import User, UserStatus
from models.documents import Document, DocumentParticipant, Secrecy
from models.scope import TenantScope

OPEN_LEVELS = (Secrecy.PUBLIC, Secrecy.INTERNAL)
READ_PERMISSIONS = {Permission.DOCUMENTS_READ.value, Permission.TENANT_ADMIN.value}


def readable(actor: Actor, *, copies: bool = True) -> QuerySet[Document]:
    """The documents of the actor's tenant it may read, as one query; without `copies`, not
    counting what was only circulated to it (who may circulate a document further)."""
    scope = TenantScope(actor.tenant_id)
    mine = Subquery(
        scope.query(DocumentParticipant).filter(user_id=actor.user_id).values("document_id")
    )
    circulated = Subquery(
        scope.query(CirculationRecipient).filter(user_id=actor.user_id).values("document_id")
    )
    condition = Q(initiator_id=actor.user_id) | Q(id__in=mine)
    if copies:
        condition |= Q(id__in=circulated, secrecy__in=OPEN_LEVELS)
    for grant in actor.grants:
        if not READ_PERMISSIONS & grant.permissions:
            continue
        if grant.scope is DataScope.TENANT:
            condition |= Q(secrecy__in=OPEN_LEVELS)
        elif grant.scope is DataScope.ORG_UNIT_AND_BELOW:
            for anchor in grant.anchor_paths:
                condition |= Q(secrecy__in=OPEN_LEVELS, org_unit__path__startswith=anchor)
        elif grant.scope is DataScope.ORG_UNIT:
            for anchor in grant.anchor_paths:
                condition |= Q(secrecy__in=OPEN_LEVELS, org_unit__path=anchor)
    return scope.query(Document).filter(condition)


async def may_read(actor: Actor | None, document: Document) -> bool:
    if actor is None or actor.tenant_id != document.tenant_id:
        return False
    return await readable(actor).filter(id=document.id).exists()


async def may_receive(document: Document, user_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `user_ids` who could read `document` once it is circulated to them: active
    users of its tenant, and from `secret` upwards only its initiator and participants."""
    scope = TenantScope(document.tenant_id)
    active: set[Any] = set(
        await scope.query(User)
        .filter(id__in=list(user_ids), status=UserStatus.ACTIVE)
        .values_list("id", flat=True)
    )
    if document.secrecy in OPEN_LEVELS:
        return active
    insiders: set[Any] = set(
        await scope.query(DocumentParticipant)
        .filter(document_id=document.id, user_id__in=list(active))
        .values_list("user_id", flat=True)
    )
    return active & (insiders | {document.initiator_id})
