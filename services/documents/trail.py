"""The trail (全程跟踪) of a document and the people who took part in it."""

from __future__ import annotations

import uuid
from typing import Any, cast

from models.documents import Document, DocumentEvent, DocumentParticipant, DocumentStatus
from models.scope import TenantScope
from services.documents.indexing import INDEXED_ACTIONS, index_document


async def participants_of(scope: TenantScope, document: Document) -> set[uuid.UUID]:
    query = scope.query(DocumentParticipant).filter(document_id=document.id)
    return {cast(uuid.UUID, u) for u in await query.values_list("user_id", flat=True)}


async def add_participants(
    scope: TenantScope,
    document: Document,
    users: list[uuid.UUID],
    known: set[uuid.UUID] | None = None,
) -> None:
    """Record who took part; `known` (the document's participants, read by the caller) saves
    the read and is kept up to date."""
    if not users:
        return
    if known is None:
        query = scope.query(DocumentParticipant).filter(document_id=document.id, user_id__in=users)
        known = {cast(uuid.UUID, u) for u in await query.values_list("user_id", flat=True)}
    fresh = [DocumentParticipant(document_id=document.id, user_id=u) for u in set(users) - known]
    if fresh:
        await scope.bulk_create(DocumentParticipant, fresh)
        known.update(p.user_id for p in fresh)


async def trail(
    scope: TenantScope,
    document: Document,
    action: str,
    *,
    actor_id: uuid.UUID | None,
    node_id: str | None = None,
    node_name: str | None = None,
    task_key: str | None = None,
    from_status: DocumentStatus | None = None,
    comment: str | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> DocumentEvent:
    """Append one step to the document's trail (the document row is locked by the caller),
    and re-index the document when its searchable text may have changed."""
    last = await scope.query(DocumentEvent).filter(document_id=document.id).order_by("-seq").first()
    if action in INDEXED_ACTIONS or changes:
        await index_document(scope, document)
    return await scope.create(
        DocumentEvent,
        document_id=document.id,
        seq=(last.seq + 1) if last else 1,
        action=action,
        actor_id=actor_id,
        node_id=node_id,
        node_name=node_name,
        task_key=task_key,
        from_status=from_status.value if from_status else None,
        to_status=document.status.value,
        comment=comment,
        changes=changes or {},
        data=data or {},
    )
