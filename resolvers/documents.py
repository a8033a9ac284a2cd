"""Reads behind the document fields: the day's work (待办, 已办, 委托, 我发起的), search,
timelines, the buttons (`allowedActions`, the signers one may remove) and the hidden-fields
rule, out-of-office rules, and the loaders of documents."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

import workflow
from models.access import Permission
from models.base import TenantEntity
from models.documents import (
    Attachment,
    DelegationRule,
    Document,
    DocumentEvent,
    DocumentTemplate,
    DocumentType,
    Task,
    TaskCandidate,
)
from models.exchange import IncomingAttachment
from models.notices import NoticeAttachment
from resolvers.context import Context
from resolvers.dataloaders import ById, GroupedBy, Loader
from resolvers.directory import OrgUnitById, UserById
from resolvers.flows import FlowVersionById
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services.documents import access, checks, visibility
from services.documents.delegations import manages
from workflow import DocumentAction, TaskAction, TaskStatus

NOBODY = uuid.UUID(int=0)


class TaskList(StrEnum):
    OPEN = "open"
    DONE = "done"
    DELEGATED = "delegated"


class DocumentList(StrEnum):
    STARTED = "started"
    READABLE = "readable"


class DocumentTypeById(ById[DocumentType]):
    model = DocumentType


class TemplatesByDocumentType(GroupedBy[DocumentTemplate]):
    model, key, order = DocumentTemplate, "document_type_id", ("name", "id")


class TasksByDocument(GroupedBy[Task]):
    model, key, order = Task, "document_id", ("created_at", "id")


class CandidatesByTask(GroupedBy[TaskCandidate]):
    model, key, order = TaskCandidate, "task_id", ("created_at",)


class AttachmentsByDocument(GroupedBy[Attachment]):
    model, key, order = Attachment, "document_id", ("name", "version", "id")


class DocumentById(ById[Document]):
    """Documents the viewer may read (the one read rule, `access.readable`)."""

    model = Document

    @classmethod
    def visible(cls, ctx: Context) -> QuerySet[Document] | None:
        return access.readable(ctx.actor) if ctx.actor is not None else None


class StandingsByDocument(Loader[uuid.UUID, visibility.Standing]):
    """Per document, the nodes where the viewer stood (for the hidden-fields rule)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[visibility.Standing]:
        scope, actor = self.ctx.scope, self.ctx.actor
        if scope is None or actor is None:
            return [frozenset() for _ in keys]
        found = await visibility.standings(scope, actor.user_id, keys)
        return [found.get(k, frozenset()) for k in keys]


class OfReadableDocument(Loader[uuid.UUID, Any]):
    """Rows of `model` (which has `document_id`) by id, where the viewer may read the document."""

    model: type[TenantEntity]

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Any]:
        query = self.ctx.tenant_scope.query(self.model).filter(id__in=keys)
        rows: dict[uuid.UUID, Any] = {r.id: r for r in await query}
        readable = await DocumentById(self.ctx).load_many([r.document_id for r in rows.values()])
        allowed = {d.id for d in readable if d}
        return [r if (r := rows.get(k)) and r.document_id in allowed else None for k in keys]


class ReadableTaskById(OfReadableDocument):
    model = Task


class ReadableEventById(OfReadableDocument):
    model = DocumentEvent


class ReadableAttachmentById(OfReadableDocument):
    model = Attachment


class DelegationRuleById(Loader[uuid.UUID, DelegationRule | None]):
    """Rules the viewer sees: her own, and everyone's for a document manager."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[DelegationRule | None]:
        actor = self.ctx.actor
        if actor is None:
            return [None] * len(keys)
        rows = await self.ctx.tenant_scope.query(DelegationRule).filter(id__in=keys)
        mine = {r.id: r for r in rows if manages(actor, r.user_id)}
        return [mine.get(k) for k in keys]


async def my_tasks(
    ctx: Context,
    *,
    which: TaskList,
    document_type_id: Any,
    search: str | None,
    page: PageArgs,
) -> Page[Task]:
    """待办: open tasks the viewer holds or may claim. 已办: tasks it acted on. 委托: tasks
    out-of-office rules sent from the viewer to her delegates."""
    query = task_list(ctx, which=which, document_type_id=document_type_id, search=search)
    return await paginate(query, TASK_ORDER, page, ctx.max_page, descending=True)


TASK_ORDER = ("id",)
"""Task lists, newest first."""


def task_list(
    ctx: Context, *, which: TaskList, document_type_id: Any, search: str | None
) -> QuerySet[Task]:
    """The tasks of `my_tasks`, unpaged."""
    scope, actor = ctx.tenant_scope, ctx.actor
    me = actor.user_id if actor else uuid.UUID(int=0)
    query = scope.query(Task)
    if which is TaskList.OPEN:
        candidate = Subquery(scope.query(TaskCandidate).filter(user_id=me).values("task_id"))
        query = query.filter(
            Q(assignee_id=me) | Q(assignee_id=None, id__in=candidate), status=TaskStatus.OPEN
        )
    elif which is TaskList.DONE:
        query = query.filter(acted_by_id=me).exclude(status=TaskStatus.OPEN)
    else:
        query = query.filter(delegated_from_id=me)
    if document_type_id is not None:
        query = query.filter(document__document_type_id=node_uuid(document_type_id, "DocumentType"))
    if search:
        query = query.filter(
            Q(document__title__icontains=search) | Q(document__number__icontains=search)
        )
    return query


JOINED: dict[str, type[ById[Any]]] = {
    "initiator": UserById,
    "document_type": DocumentTypeById,
    "org_unit": OrgUnitById,
}


async def prime_documents(ctx: Context, keys: list[uuid.UUID], related: list[str]) -> None:
    """A page's documents in one statement, the read rule's own query joined with the rows
    named in `related` (of `JOINED`), primed into the loaders their fields use: the page's
    document fields then cost no statement of their own. An unreadable one is primed None."""
    if ctx.actor is None or not keys:
        return
    rows = await access.readable(ctx.actor).filter(id__in=keys).select_related(*related)
    found = {d.id: d for d in rows}
    DocumentById(ctx).prime_many({k: found.get(k) for k in keys})
    for name in related:
        JOINED[name](ctx).prime_many(
            {getattr(d, f"{name}_id"): getattr(d, name) for d in rows if getattr(d, name)}
        )


async def document_list(
    ctx: Context,
    *,
    which: DocumentList,
    status: Any,
    document_type_id: Any,
    search: str | None,
    page: PageArgs,
) -> Page[Document]:
    """我发起的 (started) or every document the viewer may read, newest first."""
    actor = ctx.actor
    if actor is None:
        query = ctx.tenant_scope.query(Document)
    elif which is DocumentList.STARTED:
        query = ctx.tenant_scope.query(Document).filter(initiator_id=actor.user_id)
    else:
        query = access.readable(actor)
    if status:
        query = query.filter(status=status)
    if document_type_id is not None:
        query = query.filter(document_type_id=node_uuid(document_type_id, "DocumentType"))
    if search:
        query = query.filter(Q(title__icontains=search) | Q(number__icontains=search))
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


async def document_types(ctx: Context, *, page: PageArgs) -> Page[DocumentType]:
    return await paginate(ctx.tenant_scope.query(DocumentType), ("code", "id"), page, ctx.max_page)


async def timeline(ctx: Context, document: Document, page: PageArgs) -> Page[DocumentEvent]:
    query = ctx.tenant_scope.query(DocumentEvent).filter(document_id=document.id)
    return await paginate(query, ("seq",), page, ctx.max_page)


async def flow_of(ctx: Context, document: Document) -> workflow.FlowDefinition:
    version = await FlowVersionById(ctx).load(document.flow_version_id)
    assert version is not None
    return workflow.load_definition(version.definition)


async def concealed(ctx: Context, document: Document) -> frozenset[str]:
    """The form fields the viewer may not see on this document (`visibility`)."""
    if visibility.sees_everything(ctx.actor, document):
        return frozenset()
    flow = await flow_of(ctx, document)
    if not visibility.hidden_somewhere(flow):
        return frozenset()
    standing = await StandingsByDocument(ctx).load(document.id)
    return visibility.concealed(ctx.actor, document, flow, standing)


async def visible_form_data(ctx: Context, document: Document) -> dict[str, Any]:
    return visibility.without(document.form_data, await concealed(ctx, document))


async def visible_changes(ctx: Context, event: DocumentEvent) -> dict[str, Any]:
    """A trail entry's changes without the fields the viewer may not see."""
    if not event.changes:
        return {}
    document = await DocumentById(ctx).load(event.document_id)
    if document is None:
        return {}
    return visibility.changes_without(event.changes, await concealed(ctx, document))


async def task_document(ctx: Context, task: Task) -> Document | None:
    return await DocumentById(ctx).load(task.document_id)


async def task_actions(ctx: Context, task: Task) -> list[TaskAction]:
    """The buttons for the viewer: the actions whose check (the mutation's own) passes now."""
    document = await task_document(ctx, task)
    if document is None or ctx.actor is None:
        return []
    now = checks.Situation.of(ctx.actor, document, await flow_of(ctx, document))
    return checks.task_actions(now, task.key)


async def document_actions(ctx: Context, document: Document) -> list[DocumentAction]:
    if ctx.actor is None:
        return []
    now = checks.Situation.of(ctx.actor, document, await flow_of(ctx, document))
    return checks.document_actions(now)


async def removable_signers(ctx: Context, document: Document) -> list[tuple[str, list[str]]]:
    """减签: per open countersign node, the user ids the viewer may remove now."""
    if ctx.actor is None or document.instance is None:
        return []
    now = checks.Situation.of(ctx.actor, document, await flow_of(ctx, document))
    return [(node, list(users)) for node, users in checks.removable_signers(now).items()]


async def delegation_rules(
    ctx: Context, *, user_id: uuid.UUID | None, mine: bool, page: PageArgs
) -> Page[DelegationRule]:
    """Out-of-office rules, newest first: the viewer's own (``mine``), or of one user she may
    see, or (a document manager, no user named) of everyone."""
    actor = ctx.actor
    query = ctx.tenant_scope.query(DelegationRule)
    if actor is None:
        query = query.filter(id=NOBODY)
    elif mine or user_id is not None or not actor.has(Permission.DOCUMENTS_MANAGE):
        wanted = user_id or actor.user_id
        query = query.filter(user_id=wanted if manages(actor, wanted) else NOBODY)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


async def return_targets(ctx: Context, task: Task) -> list[workflow.Node]:
    document = await task_document(ctx, task)
    if document is None or document.instance is None:
        return []
    flow = await flow_of(ctx, document)
    instance = workflow.Instance.from_json(document.instance)
    if task.status is not TaskStatus.OPEN:
        return []
    return [flow.node(n) for n in workflow.return_targets(flow, instance, task.key)]


async def attachments_of(ctx: Context, document: Document, every_version: bool) -> list[Attachment]:
    rows = await AttachmentsByDocument(ctx).load(document.id)
    if every_version:
        return rows
    latest: dict[uuid.UUID, Attachment] = {}
    for row in rows:
        if row.group_id not in latest or row.version > latest[row.group_id].version:
            latest[row.group_id] = row
    return sorted(latest.values(), key=lambda a: (a.name, a.id))


def download_link(
    ctx: Context, file: Attachment | IncomingAttachment | NoticeAttachment
) -> str | None:
    """A link for the viewer alone. Only reached through a document the viewer may read, an
    incoming item it may work or a notice it may open, so the viewer may read the file."""
    if ctx.attachments is None or ctx.actor is None:
        return None
    return ctx.attachments.link(file.tenant_id, file.id, ctx.actor.user_id)
