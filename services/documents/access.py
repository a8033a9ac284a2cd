"""Who may read a document, in one place for queries, attachments and subscriptions.

Readers: the initiator, participants (anyone who held a task or acted), holders of
`documents.read` (or tenant admins) whose data scope reaches the document's org unit. From
`secret` upwards only the initiator and participants may read: secrecy narrows the rule.
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.access import Actor, DataScope, Permission
from models.documents import Document, DocumentParticipant, Secrecy
from models.scope import TenantScope

OPEN_LEVELS = (Secrecy.PUBLIC, Secrecy.INTERNAL)
READ_PERMISSIONS = {Permission.DOCUMENTS_READ.value, Permission.TENANT_ADMIN.value}


def readable(actor: Actor) -> QuerySet[Document]:
    """The documents of the actor's tenant it may read, as one query."""
    scope = TenantScope(actor.tenant_id)
    mine = Subquery(
        scope.query(DocumentParticipant).filter(user_id=actor.user_id).values("document_id")
    )
    condition = Q(initiator_id=actor.user_id) | Q(id__in=mine)
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
