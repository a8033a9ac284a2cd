"""Document numbers (文号): gap-free and unique under concurrency; voided ones are never reused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from auth.viewer import actor_for
from models.documents import Document, DocumentNumber, DocumentType
from services.documents import lifecycle, numbers
from services.uow import transaction
from tests.conftest import GraphQL, gid
from tests.documents.support import DOC, Office


async def test_a_hundred_concurrent_allocations_give_a_hundred_consecutive_numbers(
    dispatch_office: Office,
) -> None:
    scope = dispatch_office.department.scope
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(
        scope, dispatch_office.users["writer"], dispatch_office.department.tenant
    )
    drafts = [
        await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=f"第{i}号", form_data={"body": "x"}
        )
        for i in range(100)
    ]

    async def allocate(document: Document) -> str:
        async with transaction(writer):
            locked = await scope.query(Document).select_for_update().get(id=document.id)
            await numbers.allocate(scope, doc_type, locked, datetime.now(UTC))
            await locked.save()
            assert locked.number is not None
            return locked.number

    given = await asyncio.gather(*[allocate(d) for d in drafts])
    year = datetime.now(UTC).year
    assert sorted(given) == sorted(f"{year}发字第{n}号" for n in range(1, 101))
    rows = await scope.query(DocumentNumber).filter(document_type_id=doc_type.id)
    assert sorted(r.seq for r in rows) == list(range(1, 101))


async def test_a_voided_number_is_kept_and_never_reused(
    dispatch_office: Office, gql: GraphQL
) -> None:
    scope = dispatch_office.department.scope
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(
        scope, dispatch_office.users["writer"], dispatch_office.department.tenant
    )
    first, second = [
        await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=t, form_data={"body": "x"}
        )
        for t in ("甲", "乙")
    ]
    for document in (first, second):
        async with transaction(writer):
            locked = await scope.query(Document).select_for_update().get(id=document.id)
            await numbers.allocate(scope, doc_type, locked, datetime.now(UTC))
            await locked.save()

    refused = await dispatch_office.mutate(
        "writer",
        "voidDocumentNumber",
        {"id": gid("Document", first.id), "reason": "重号"},
        DOC,
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    no_reason = await dispatch_office.mutate(
        "admin", "voidDocumentNumber", {"id": gid("Document", first.id), "reason": " "}, DOC
    )
    assert [e["code"] for e in no_reason["errors"]] == ["REQUIRED"]
    voided = await dispatch_office.ok(
        "admin",
        "voidDocumentNumber",
        {"id": gid("Document", first.id), "reason": "重号"},
        DOC,
    )
    assert voided["document"]["number"] is None

    async with transaction(writer):
        locked = await scope.query(Document).select_for_update().get(id=first.id)
        await numbers.allocate(scope, doc_type, locked, datetime.now(UTC))
        await locked.save()
    kept = await scope.query(DocumentNumber).filter(document_id=first.id).order_by("seq")
    assert [(n.seq, n.voided, n.void_reason) for n in kept] == [(1, True, "重号"), (3, False, None)]
