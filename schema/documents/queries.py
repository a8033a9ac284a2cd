"""Document queries: the day's work (待办 / 已办), the documents I started or may read, and
the document types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay

from models import documents as m
from resolvers import documents as r
from resolvers.documents import DocumentList, TaskList
from resolvers.pagination import PageArgs
from schema.compiled.rows import SOURCES, Source
from schema.connection import After, Before, Connection, First, Last
from schema.documents.document_types import DocumentType
from schema.documents.types import Document, Task
from schema.types import Info


@strawberry.input(description="Which of my tasks to list.")
class TaskFilter:
    document_type_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of a DocumentType: only its documents."
    )
    search: str | None = strawberry.field(default=None, description="Title or number.")


@strawberry.input(description="Which documents to list.")
class DocumentFilter:
    status: m.DocumentStatus | None = strawberry.field(
        default=None, description="Only documents in this status."
    )
    document_type_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of a DocumentType: only its documents."
    )
    search: str | None = strawberry.field(default=None, description="Title or number.")


JOINED = {"initiator": "initiator", "documentType": "document_type", "orgUnit": "org_unit"}


def _under_document(selections: Iterable[Any]) -> set[str] | None:
    """The field names selected under any `document` field in these selections (fragments
    included); None when no `document` is selected."""
    found: set[str] | None = None
    for selection in selections:
        inner = getattr(selection, "selections", None) or []
        if getattr(selection, "name", None) == "document":
            names = {getattr(s, "name", "") for s in inner}
            found = (found or set()) | names
        deeper = _under_document(inner)
        if deeper is not None:
            found = (found or set()) | deeper
    return found


SOURCES["Query", "myTasks"] = Source(
    node=Task,
    rows=lambda ctx, kind: r.task_list(
        ctx, which=TaskList(kind), document_type_id=None, search=None
    ),
    order=r.TASK_ORDER,
    descending=True,
    shape=("kind",),
)
"""`myTasks` without a filter, for row plans (the same queryset as the resolver's)."""


@strawberry.type
class DocumentQuery:
    @strawberry.field(
        description="My tasks: OPEN (待办, incl. pool tasks I may claim), DONE (已办), or "
        "DELEGATED (tasks my out-of-office rules sent to my delegates)."
    )
    async def my_tasks(
        self,
        info: Info,
        kind: Annotated[
            TaskList, strawberry.argument(description="OPEN (待办), DONE (已办) or DELEGATED.")
        ] = TaskList.OPEN,
        filter: Annotated[
            TaskFilter | None,
            strawberry.argument(description="By document type, or a search in title and number."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Task]:
        f = filter or TaskFilter()
        page = await r.my_tasks(
            info.context,
            which=kind,
            document_type_id=f.document_type_id,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        joined = _under_document(info.selected_fields)
        if joined is not None:
            related = [column for name, column in JOINED.items() if name in joined]
            await r.prime_documents(info.context, [t.document_id for t in page.rows], related)
        return Connection.of(page, Task.from_model)

    @strawberry.field(
        description="Documents I started (STARTED) or may read (READABLE), newest first."
    )
    async def documents(
        self,
        info: Info,
        kind: Annotated[
            DocumentList,
            strawberry.argument(description="STARTED (mine) or READABLE (everything I may read)."),
        ] = DocumentList.READABLE,
        filter: Annotated[
            DocumentFilter | None,
            strawberry.argument(
                description="By status, document type, or a search in title and number."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Document]:
        f = filter or DocumentFilter()
        page = await r.document_list(
            info.context,
            which=kind,
            status=f.status,
            document_type_id=f.document_type_id,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, Document.from_model)

    @strawberry.field(
        description=("The document types of the viewer's tenant (发文, 收文, …), by code.")
    )
    async def document_types(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DocumentType]:
        page = await r.document_types(info.context, page=PageArgs(first, after, last, before))
        return Connection.of(page, DocumentType.from_model)
