"""Reads and writes behind the document fields: the day's work (待办, 已办, 我发起的), search,
timelines, and every action on a document."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q, Subquery

import workflow
from models.documents import (
    Attachment,
    Document,
    DocumentEvent,
    DocumentType,
    Task,
    TaskCandidate,
)
from resolvers.context import Context
from resolvers.errors import Code, Problem, attempt
from resolvers.ids import keep, keep_id, node_uuid, node_uuids
from resolvers.pagination import Page, PageArgs, paginate
from services.documents import (
    access,
    actions,
    attachments,
    checks,
    lifecycle,
    numbers,
    runtime,
    types,
    visibility,
)
from services.documents.storage import Incoming
from workflow import DocumentAction, TaskAction, TaskStatus

Result = tuple[Any, tuple[Problem, ...]]


class TaskList(StrEnum):
    OPEN = "open"
    DONE = "done"


class DocumentList(StrEnum):
    STARTED = "started"
    READABLE = "readable"


async def my_tasks(
    ctx: Context,
    *,
    which: TaskList,
    document_type_id: Any,
    search: str | None,
    page: PageArgs,
) -> Page[Task]:
    """待办: open tasks the viewer holds or may claim. 已办: tasks it acted on."""
    scope, actor = ctx.tenant_scope, ctx.actor
    me = actor.user_id if actor else uuid.UUID(int=0)
    query = scope.query(Task)
    if which is TaskList.OPEN:
        candidate = Subquery(scope.query(TaskCandidate).filter(user_id=me).values("task_id"))
        query = query.filter(
            Q(assignee_id=me) | Q(assignee_id=None, id__in=candidate), status=TaskStatus.OPEN
        )
    else:
        query = query.filter(acted_by_id=me).exclude(status=TaskStatus.OPEN)
    if document_type_id is not None:
        query = query.filter(document__document_type_id=node_uuid(document_type_id, "DocumentType"))
    if search:
        query = query.filter(
            Q(document__title__icontains=search) | Q(document__number__icontains=search)
        )
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


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


async def document_events(ctx: Context, keys: list[uuid.UUID]) -> list[DocumentEvent | None]:
    """Trail entries by id, only of documents the viewer may read."""
    rows = {e.id: e for e in await ctx.tenant_scope.query(DocumentEvent).filter(id__in=keys)}
    readable = await ctx.loaders.document.load_many([e.document_id for e in rows.values()])
    allowed = {d.id for d in readable if d}
    return [e if (e := rows.get(k)) and e.document_id in allowed else None for k in keys]


async def flow_of(ctx: Context, document: Document) -> workflow.FlowDefinition:
    version = await ctx.loaders.flow_version.load(document.flow_version_id)
    assert version is not None
    return runtime.definition(version)


async def concealed(ctx: Context, document: Document) -> frozenset[str]:
    """The form fields the viewer may not see on this document (`visibility`)."""
    if visibility.sees_everything(ctx.actor, document):
        return frozenset()
    flow = await flow_of(ctx, document)
    if not visibility.hidden_somewhere(flow):
        return frozenset()
    standing = await ctx.loaders.standings.load(document.id)
    return visibility.concealed(ctx.actor, document, flow, standing)


async def visible_form_data(ctx: Context, document: Document) -> dict[str, Any]:
    return visibility.without(document.form_data, await concealed(ctx, document))


async def visible_changes(ctx: Context, event: DocumentEvent) -> dict[str, Any]:
    """A trail entry's changes without the fields the viewer may not see."""
    if not event.changes:
        return {}
    document = await ctx.loaders.document.load(event.document_id)
    if document is None:
        return {}
    return visibility.changes_without(event.changes, await concealed(ctx, document))


async def task_document(ctx: Context, task: Task) -> Document | None:
    return await ctx.loaders.document.load(task.document_id)


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
    rows = await ctx.loaders.attachments.load(document.id)
    if every_version:
        return rows
    latest: dict[uuid.UUID, Attachment] = {}
    for row in rows:
        if row.group_id not in latest or row.version > latest[row.group_id].version:
            latest[row.group_id] = row
    return sorted(latest.values(), key=lambda a: (a.name, a.id))


async def readable_attachments(ctx: Context, keys: list[uuid.UUID]) -> list[Attachment | None]:
    rows = {a.id: a for a in await ctx.tenant_scope.query(Attachment).filter(id__in=keys)}
    documents = await ctx.loaders.document.load_many([a.document_id for a in rows.values()])
    allowed = {d.id for d in documents if d}
    return [a if (a := rows.get(k)) and a.document_id in allowed else None for k in keys]


def download_link(ctx: Context, attachment: Attachment) -> str | None:
    """Only reached through a readable document, so the viewer may read it."""
    if ctx.attachments is None or ctx.actor is None:
        return None
    return ctx.attachments.link(attachment.tenant_id, attachment.id, ctx.actor.user_id)


# Writes ----------------------------------------------------------------------------------------


async def install_template(ctx: Context, input: Any) -> Result:
    return await attempt(types.install_template(ctx.actor, key=input.key))


async def create_document_type(ctx: Context, input: Any) -> Result:
    return await attempt(
        types.create_document_type(
            ctx.actor,
            code=input.code,
            name=input.name,
            kind=input.kind,
            flow_id=node_uuid(input.flow_id, "Flow") or "",
            number_pattern=input.number_pattern,
            seq_width=input.seq_width,
        )
    )


async def update_document_type(ctx: Context, input: Any) -> Result:
    return await attempt(
        types.update_document_type(
            ctx.actor,
            id=node_uuid(input.id, "DocumentType") or "",
            name=keep(input.name),
            flow_id=keep_id(input.flow_id, "Flow"),
            number_pattern=keep(input.number_pattern),
            seq_width=keep(input.seq_width),
            active=keep(input.active),
        )
    )


async def create_document_template(ctx: Context, input: Any) -> Result:
    return await attempt(
        types.create_document_template(
            ctx.actor,
            document_type_id=node_uuid(input.document_type_id, "DocumentType") or "",
            name=input.name,
            title=input.title,
            defaults=input.defaults,
            body=input.body,
        )
    )


async def create_document(ctx: Context, input: Any) -> Result:
    return await attempt(
        lifecycle.create_document(
            ctx.actor,
            document_type_id=node_uuid(input.document_type_id, "DocumentType") or "",
            title=input.title,
            form_data=input.form_data,
            urgency=input.urgency,
            secrecy=input.secrecy,
            template_id=node_uuid(input.template_id, "DocumentTemplate"),
            org_unit_id=node_uuid(input.org_unit_id, "OrgUnit"),
        )
    )


async def update_document(ctx: Context, input: Any) -> Result:
    return await attempt(
        lifecycle.update_document(
            ctx.actor,
            id=node_uuid(input.id, "Document") or "",
            title=keep(input.title),
            form_data=keep(input.form_data),
            urgency=keep(input.urgency),
            secrecy=keep(input.secrecy),
            expected_version=input.expected_version,
        )
    )


async def submit_document(ctx: Context, input: Any) -> Result:
    return await attempt(
        lifecycle.submit_document(
            ctx.actor,
            id=node_uuid(input.id, "Document") or "",
            comment=input.comment,
            expected_version=input.expected_version,
        )
    )


async def archive_document(ctx: Context, input: Any) -> Result:
    return await attempt(
        lifecycle.archive_document(ctx.actor, id=node_uuid(input.id, "Document") or "")
    )


async def void_number(ctx: Context, input: Any) -> Result:
    return await attempt(
        numbers.void_number(
            ctx.actor,
            document_id=node_uuid(input.id, "Document") or "",
            reason=input.reason,
        )
    )


async def upload_attachment(ctx: Context, input: Any) -> Result:
    if ctx.attachments is None or not isinstance(input.file, Incoming):
        return None, (Problem(Code.INVALID, "Send the file as a multipart upload", ("file",)),)
    return await attempt(
        attachments.upload(
            ctx.actor,
            ctx.attachments,
            document_id=node_uuid(input.document_id, "Document") or "",
            file=input.file,
            replaces_id=node_uuid(input.replaces_id, "Attachment"),
        )
    )


async def act_on_task(ctx: Context, action: TaskAction, input: Any) -> Result:
    """One wrapper for every task action; inputs carry only the fields their action uses."""
    options: dict[str, Any] = {}
    if hasattr(input, "form_data"):
        options["form_data"] = keep(input.form_data)
    if hasattr(input, "target_node_id"):
        options["target_node_id"] = input.target_node_id
    if hasattr(input, "to_user_id"):
        options["to_user_id"] = node_uuid(input.to_user_id, "User") or ""
    if hasattr(input, "return_after"):
        options["return_after"] = input.return_after
    if hasattr(input, "user_ids"):
        options["user_ids"] = node_uuids(input.user_ids, "User")
    if hasattr(input, "position"):
        options["position"] = input.position
    return await attempt(
        actions.act_on_task(
            ctx.actor,
            task_id=node_uuid(input.id, "Task") or "",
            action=action,
            comment=getattr(input, "comment", None),
            expected_version=getattr(input, "expected_version", None),
            **options,
        )
    )


async def act_on_document(ctx: Context, action: DocumentAction, input: Any) -> Result:
    return await attempt(
        actions.act_on_document(
            ctx.actor,
            document_id=node_uuid(input.id, "Document") or "",
            action=action,
            comment=getattr(input, "comment", None),
            task_id=node_uuid(getattr(input, "task_id", None), "Task"),
        )
    )
