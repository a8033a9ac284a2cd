"""A document's life outside task actions: drafting (from a template), editing fields, submitting,
archiving. Field access (字段权限) decides what a handler may change at its node."""

from __future__ import annotations

import uuid
from typing import Any

import workflow
from i18n import _
from models.access import Actor
from models.directory import Membership, User
from models.documents import (
    Document,
    DocumentStatus,
    DocumentTemplate,
    DocumentType,
    Secrecy,
    Task,
    TaskCandidate,
    Urgency,
)
from models.flows import FlowDefinition, FlowVersion
from models.forms import FormVersion
from models.scope import TenantScope
from services import usage
from services.documents import visibility
from services.documents.checks import Situation, check_document
from services.documents.runtime import Run, engine_error
from services.documents.trail import trail
from services.errors import Code, Problem, ServiceError, check_version, not_found, signed_in
from services.flows import FLOWS
from services.forms import data_problems
from services.inputs import KEEP, Checks, parse_id
from services.uow import transaction
from subscriptions.topics import Topic, global_id
from workflow import DocumentAction, TaskStatus


async def create_document(
    actor: Actor | None,
    *,
    document_type_id: uuid.UUID | str,
    title: str | None = None,
    form_data: dict[str, Any] | None = None,
    urgency: Urgency = Urgency.NORMAL,
    secrecy: Secrecy = Secrecy.INTERNAL,
    template_id: uuid.UUID | str | None = None,
    org_unit_id: uuid.UUID | str | None = None,
) -> Document:
    """A draft of the type's current flow and form; a template fills defaults and the body."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    if form_data is not None and not isinstance(form_data, dict):
        raise ServiceError.of(Code.INVALID, _("formData must be a JSON object"), "formData")
    async with transaction(actor) as work:
        doc_type = await scope.get(DocumentType, document_type_id)
        if doc_type is None or not doc_type.active:
            raise not_found(_("Document type"), "documentTypeId")
        template = await _template(scope, template_id, doc_type)
        flow_version, form_version = await _published(scope, doc_type)
        data = dict(template.defaults) if template else {}
        if template and template.body and "body" in form_version.json_schema.get("properties", {}):
            data["body"] = template.body
        data.update(form_data or {})
        with Checks() as checks:
            title = checks.text(
                title or (template.title if template else ""), "title", max_length=300
            )
            checks.problems.extend(data_problems(form_version.json_schema, data, complete=False))
            unit_id = await _org_unit(scope, actor, org_unit_id, checks)
        await usage.admit_document(actor.tenant_id, work.now)
        document = await scope.create(
            Document,
            document_type_id=doc_type.id,
            title=title,
            form_data=data,
            urgency=urgency,
            secrecy=secrecy,
            initiator_id=actor.user_id,
            org_unit_id=unit_id,
            flow_version_id=flow_version.id,
            form_version_id=form_version.id,
        )
        await trail(
            scope,
            document,
            "created",
            actor_id=actor.user_id,
            data={"template": template.name if template else None, "type": doc_type.code},
        )
        await usage.count(work, actor.tenant_id, usage.Meter.DOCUMENTS_CREATED)
        work.audit(actor.tenant_id, "document.created", "Document", document.id, {"title": title})
        work.emit(
            actor.tenant_id,
            Topic.DOCUMENT_STATUS_CHANGED,
            {
                "documentId": global_id("Document", document.id),
                "from": None,
                "to": "draft",
                "action": "created",
            },
        )
    return document


async def _template(
    scope: TenantScope, template_id: Any, doc_type: DocumentType
) -> DocumentTemplate | None:
    if template_id is None:
        return None
    template = await scope.get(DocumentTemplate, template_id)
    if template is None or template.document_type_id != doc_type.id:
        raise not_found(_("Template"), "templateId")
    return template


async def _published(scope: TenantScope, doc_type: DocumentType) -> tuple[FlowVersion, FormVersion]:
    """The flow version new documents of the type run, and the form version it was checked
    against."""
    flow = await scope.query(FlowDefinition).get(id=doc_type.flow_id)
    flow_version = await FLOWS.current(scope, flow)
    if flow_version is None or flow_version.form_version_id is None:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("The flow '{name}' of this type is not published yet", name=flow.name),
            "documentTypeId",
        )
    return flow_version, await scope.query(FormVersion).get(id=flow_version.form_version_id)


async def _org_unit(scope: TenantScope, actor: Actor, org_unit_id: Any, checks: Checks) -> Any:
    units = (
        await scope.query(Membership)
        .filter(user_id=actor.user_id)
        .values_list("org_unit_id", flat=True)
    )
    if org_unit_id is None:
        user = await scope.query(User).get(id=actor.user_id)
        if user.primary_org_unit_id is None:
            checks.fail(Code.REQUIRED, _("You belong to no org unit; name one"), "orgUnitId")
        return user.primary_org_unit_id
    key = parse_id(org_unit_id)
    if key not in units:
        checks.fail(Code.INVALID, _("The document's org unit must be one of yours"), "orgUnitId")
    return key


async def editable_fields(run: Run) -> set[str] | None:
    """Form fields the actor may change now: every field of a draft for its initiator, the
    fields marked editable at the node of an open task it holds; None when it may not edit."""
    document, actor = run.document, run.actor
    if document.status == DocumentStatus.DRAFT:
        return None if document.initiator_id != actor.user_id else {"*"}
    if document.status != DocumentStatus.IN_PROGRESS:
        return None
    held = await open_tasks_of(run.scope, document.id, actor.user_id)
    fields: set[str] = set()
    for task in held:
        access = run.node(task.node_id).field_access
        fields |= {name for name, mode in access.items() if mode == workflow.FieldAccess.EDITABLE}
    return fields if held else None


async def open_tasks_of(
    scope: TenantScope, document_id: uuid.UUID, user_id: uuid.UUID
) -> list[Task]:
    open_tasks = scope.query(Task).filter(document_id=document_id, status=TaskStatus.OPEN)
    assigned = await open_tasks.filter(assignee_id=user_id)
    candidate_of = await open_tasks.filter(
        assignee_id=None,
        id__in=await scope.query(TaskCandidate)
        .filter(user_id=user_id)
        .values_list("task_id", flat=True),
    )
    return [*assigned, *candidate_of]


async def change_fields(run: Run, form_data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """Merge `form_data` into the document if the actor may change those fields; returns the
    changes as {field: [old, new]} for the trail."""
    if not isinstance(form_data, dict):
        raise ServiceError.of(Code.INVALID, _("formData must be a JSON object"), "formData")
    allowed = await editable_fields(run)
    if allowed is None:
        raise ServiceError.of(Code.FORBIDDEN, _("You may not edit this document now"), "formData")
    current = run.document.form_data
    changes = {k: [current.get(k), v] for k, v in form_data.items() if current.get(k) != v}
    # A hidden field is refused even unchanged: else the error would confirm a guessed value.
    hidden = {name.partition(".")[0] for name in visibility.hidden_somewhere(run.flow)}
    refused = sorted(
        k
        for k in form_data
        if "*" not in allowed and k not in allowed and (k in changes or k in hidden)
    )
    if refused:
        raise ServiceError(
            *[
                Problem(
                    Code.FORBIDDEN,
                    _("The field '{k}' is not editable at this step", k=k),
                    ("formData", k),
                )
                for k in refused
            ]
        )
    merged = {**current, **form_data}
    schema = (await run.scope.query(FormVersion).get(id=run.document.form_version_id)).json_schema
    problems = data_problems(schema, merged, complete=complete)
    if problems:
        raise ServiceError(*problems)
    run.document.form_data = merged
    return changes


async def update_document(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    title: Any = KEEP,
    form_data: Any = KEEP,
    urgency: Any = KEEP,
    secrecy: Any = KEEP,
    expected_version: int | None = None,
) -> Document:
    """The initiator edits a draft; a handler edits the fields its node makes editable."""
    actor = signed_in(actor)
    async with transaction(actor) as work:
        run = await Run.load(work, actor, id, "id")
        check_version(run.document.version, expected_version)
        changes: dict[str, Any] = {}
        if form_data is not KEEP:
            changes |= await change_fields(run, form_data or {}, complete=False)
        headers = {"title": title, "urgency": urgency, "secrecy": secrecy}
        for name, value in headers.items():
            if value is KEEP or getattr(run.document, name) == value:
                continue
            if (
                run.document.status != DocumentStatus.DRAFT
                or run.document.initiator_id != actor.user_id
            ):
                raise ServiceError.of(
                    Code.FORBIDDEN,
                    _("Only the initiator changes {name}, before submitting", name=name),
                    name,
                )
            if name == "title":
                with Checks() as checks:
                    value = checks.text(value, "title", max_length=300)
            changes[name] = [str(getattr(run.document, name)), str(value)]
            setattr(run.document, name, value)
        if changes:
            await run.save("edited", changes=changes)
    return run.document


async def submit_document(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Document:
    """Start the flow. The first step is usually the initiator's own draft task (拟稿), which
    submitting completes at once."""
    actor = signed_in(actor)
    async with transaction(actor) as work:
        run = await Run.load(work, actor, id, "id")
        document = run.document
        check_version(document.version, expected_version)
        check_document(Situation.of(actor, document, run.flow), DocumentAction.SUBMIT)
        schema = (await run.scope.query(FormVersion).get(id=document.form_version_id)).json_schema
        problems = data_problems(schema, document.form_data, complete=True)
        if problems:
            raise ServiceError(*problems)
        try:
            step = workflow.start(
                run.flow,
                document.form_data,
                run.attributes(),
                run.actor_key,
                now=work.now,
                auto_assign=False,
                env=await run.environment(),
            )
        except workflow.EngineError as error:
            raise engine_error(error) from error
        document.submitted_at = work.now
        await run.apply(step, action="submitted", comment=comment)
        instance = run.instance
        mine = [t for t in instance.open_tasks if t.can_act(run.actor_key)]
        if mine:
            try:
                step = workflow.act(
                    run.flow,
                    instance,
                    workflow.Submit(run.actor_key, mine[0].id, comment),
                    document.form_data,
                    run.attributes(),
                    now=work.now,
                    auto_assign=False,
                    env=await run.environment(),
                )
            except workflow.EngineError as error:
                raise engine_error(error) from error
            task = await run.scope.query(Task).get(document_id=document.id, key=mine[0].id)
            await run.apply(step, action="draft_completed", comment=comment, task=task)
    return run.document


async def archive_document(actor: Actor | None, *, id: uuid.UUID | str) -> Document:
    """归档 by hand, for flows without an archive node: the initiator or a document manager
    files a completed document."""
    actor = signed_in(actor)
    async with transaction(actor) as work:
        run = await Run.load(work, actor, id, "id")
        document = run.document
        check_document(Situation.of(actor, document, run.flow), DocumentAction.ARCHIVE)
        await run.archive()
    return run.document
