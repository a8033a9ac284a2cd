"""Document types (发文, 收文, 签报, …), each binding a flow (and so its form) and a numbering
rule, their templates (公文模板), and the platform templates a tenant installs in one step."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import workflow
from i18n import _
from models.access import Actor, Permission
from models.documents import DocumentKind, DocumentTemplate, DocumentType
from models.flows import FlowDefinition
from models.forms import FormVersion
from models.scope import TenantScope
from services import flows, forms
from services.errors import Code, Problem, ServiceError, require
from services.inputs import KEEP, Checks, apply_changes
from services.rows import found, locked
from services.uow import transaction

PATTERN_FIELDS = ("{seq}",)


def _check_pattern(checks: Checks, pattern: str) -> str:
    pattern = (pattern or "").strip()
    if pattern and "{seq}" not in pattern:
        checks.fail(Code.INVALID, _("A numbering rule must contain {seq}"), "numberPattern")
    if len(pattern) > 200:
        checks.fail(Code.TOO_LONG, _("The numbering rule is too long"), "numberPattern")
    return pattern


async def create_document_type(
    actor: Actor | None,
    *,
    code: str,
    name: str,
    kind: DocumentKind,
    flow_id: uuid.UUID | str,
    number_pattern: str = "",
    seq_width: int = 0,
) -> DocumentType:
    actor = require(actor, Permission.DOCUMENTS_MANAGE)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name", max_length=100)
        number_pattern = _check_pattern(checks, number_pattern)
        if not 0 <= seq_width <= 10:
            checks.fail(Code.INVALID, _("seqWidth is between 0 and 10"), "seqWidth")
    async with transaction(actor) as work:
        flow = await found(scope, FlowDefinition, flow_id, _("Flow"), "flowId")
        if await scope.query(DocumentType).filter(code=code).exists():
            raise ServiceError.of(
                Code.DUPLICATE, _("The document type '{code}' exists", code=code), "code"
            )
        doc_type = await scope.create(
            DocumentType,
            code=code,
            name=name,
            kind=kind,
            flow_id=flow.id,
            number_pattern=number_pattern,
            seq_width=seq_width,
        )
        work.audit(
            actor.tenant_id, "document_type.created", "DocumentType", doc_type.id, {"code": code}
        )
    return doc_type


async def update_document_type(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    name: Any = KEEP,
    flow_id: Any = KEEP,
    number_pattern: Any = KEEP,
    seq_width: Any = KEEP,
    active: Any = KEEP,
) -> DocumentType:
    """Changes apply to documents created afterwards; running ones keep their versions."""
    actor = require(actor, Permission.DOCUMENTS_MANAGE)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name", max_length=100)
        if number_pattern is not KEEP:
            number_pattern = _check_pattern(checks, number_pattern)
    async with transaction(actor) as work:
        doc_type = await locked(scope, DocumentType, id, _("Document type"), "id")
        if flow_id is not KEEP:
            flow_id = (await found(scope, FlowDefinition, flow_id, _("Flow"), "flowId")).id
        changes = apply_changes(
            doc_type,
            name=name,
            flow_id=flow_id,
            number_pattern=number_pattern,
            seq_width=seq_width,
            active=active,
        )
        if changes:
            doc_type.version += 1
            await doc_type.save()
            work.audit(
                actor.tenant_id, "document_type.updated", "DocumentType", doc_type.id, changes
            )
    return doc_type


async def create_document_template(
    actor: Actor | None,
    *,
    document_type_id: uuid.UUID | str,
    name: str,
    title: str = "",
    defaults: Any = None,
    body: str = "",
) -> DocumentTemplate:
    """Defaults and body are checked against the form that new documents of the type use, so
    a template never makes a draft fail on fields its author did not send."""
    actor = require(actor, Permission.DOCUMENTS_MANAGE)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        name = checks.text(name, "name", max_length=100)
        title = checks.optional_text(title, "title", max_length=300) or ""
        if defaults is not None and not isinstance(defaults, dict):
            checks.fail(Code.INVALID, _("defaults must be a JSON object"), "defaults")
    async with transaction(actor) as work:
        doc_type = await found(
            scope, DocumentType, document_type_id, _("Document type"), "documentTypeId"
        )
        problems = _template_problems(await _form_of(scope, doc_type), defaults or {}, body)
        if problems:
            raise ServiceError(*problems)
        template = await scope.create(
            DocumentTemplate,
            document_type_id=doc_type.id,
            name=name,
            title=title,
            defaults=defaults or {},
            body=body,
        )
        work.audit(
            actor.tenant_id,
            "document_template.created",
            "DocumentTemplate",
            template.id,
            {"name": name},
        )
    return template


def _template_problems(form: FormVersion, defaults: dict[str, Any], body: str) -> list[Problem]:
    """Every default names a field of the form and fits its schema; the body goes into the
    form's `body` field, so the form must have one."""
    schema = form.json_schema
    fields = schema.get("properties") or {}
    problems = [
        Problem(Code.INVALID, _("The form has no field '{key}'", key=key), ("defaults", key))
        for key in defaults
        if key not in fields
    ]
    known = {key: value for key, value in defaults.items() if key in fields}
    problems += forms.data_problems(schema, known, complete=False, field="defaults")
    if body and "body" not in fields:
        message = _("The form has no 'body' field, which is where a template's body goes")
        problems.append(Problem(Code.INVALID, message, ("body",)))
    elif body:
        problems += [
            Problem(p.code, p.message, ("body",))
            for p in forms.data_problems(schema, {"body": body}, complete=False)
        ]
    return problems


async def _form_of(scope: TenantScope, doc_type: DocumentType) -> FormVersion:
    """The form version new documents of the type get: that of the flow's published version,
    else (the flow is not published yet) the form's newest published version."""
    flow = await scope.query(FlowDefinition).get(id=doc_type.flow_id)
    published = await flows.FLOWS.current(scope, flow)
    if published is not None and published.form_version_id is not None:
        return await scope.query(FormVersion).get(id=published.form_version_id)
    form = await forms.published_version(scope, flow.form_id)
    if form is None:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("Publish the form of this type's flow before adding templates"),
            "documentTypeId",
        )
    return form


DISPATCH_FORM = {
    "type": "object",
    "properties": {
        "subject": {
            "type": "string",
            "title": "主题词 Subject",
            "maxLength": 200,
            "x-public": True,
        },
        "mainRecipients": {"type": "string", "title": "主送 Main recipients", "x-public": True},
        "copyRecipients": {"type": "string", "title": "抄送 Copy recipients", "x-public": True},
        "body": {"type": "string", "title": "正文 Body", "x-public": True},
        "pageCount": {"type": "integer", "minimum": 1, "title": "页数 Pages", "x-public": True},
        "reviewOpinion": {"type": "string", "title": "核稿意见 Review opinion"},
        "signOpinion": {"type": "string", "title": "签发意见 Sign-off opinion"},
    },
    "required": ["body"],
}
RECEIPT_FORM = {
    "type": "object",
    "properties": {
        "sender": {"type": "string", "title": "来文单位 Sender"},
        "senderNumber": {"type": "string", "title": "来文字号 Sender's number"},
        "body": {"type": "string", "title": "正文 Body"},
        "proposal": {"type": "string", "title": "拟办意见 Proposal"},
        "instruction": {"type": "string", "title": "批办意见 Instruction"},
        "handlers": {"type": "array", "items": {"type": "string"}, "title": "承办人 Handlers"},
        "result": {"type": "string", "title": "办理结果 Result"},
    },
    "required": ["sender"],
}
TEMPLATES: dict[str, dict[str, Any]] = {
    "dispatch": {
        "name": "发文 Outgoing dispatch",
        "kind": DocumentKind.DISPATCH,
        "form": DISPATCH_FORM,
        "flow": workflow.dispatch_template,
        "pattern": "{year}发字第{seq}号",
        "access": {
            "draft": {},
            "review": {"reviewOpinion": "editable", "body": "editable"},
            "signoff": {"signOpinion": "editable", "reviewOpinion": "readonly"},
        },
    },
    "receipt": {
        "name": "收文 Incoming receipt",
        "kind": DocumentKind.RECEIPT,
        "form": RECEIPT_FORM,
        "flow": workflow.receipt_template,
        "pattern": "{year}收字第{seq}号",
        "access": {},
    },
}


async def install_template(actor: Actor | None, *, key: str) -> tuple[DocumentType, FlowDefinition]:
    """Copy a platform template into the tenant: its roles (when missing), a published form
    and flow, and a document type with a numbering rule, ready to use."""
    actor = require(actor, Permission.FLOWS_MANAGE)
    chosen = TEMPLATES.get(key)
    if chosen is None:
        raise ServiceError.of(
            Code.NOT_FOUND,
            _(
                "No template '{key}'; choose one of {TEMPLATES}",
                key=key,
                TEMPLATES=", ".join(TEMPLATES),
            ),
            "key",
        )
    scope = TenantScope(actor.tenant_id)
    code = _free_code(key)
    definition = chosen["flow"]().model_copy(update={"id": key})
    for node_id, access in chosen["access"].items():
        definition.node(node_id).field_access.update(
            {name: workflow.FieldAccess(mode) for name, mode in access.items()}
        )
    async with transaction(actor):
        await flows.ensure_roles(scope, dict(workflow.ROLE_CODES))
        form, _form_version = await forms.create_form(
            actor, key=await code(scope, "form"), name=chosen["name"], json_schema=chosen["form"]
        )
        await forms.publish_form(actor, form_id=form.id)
        flow, _flow_version = await flows.create_flow(
            actor,
            key=await code(scope, "flow"),
            name=chosen["name"],
            form_id=form.id,
            definition=definition.to_json(),
        )
        doc_type = await create_document_type(
            actor,
            code=await code(scope, "type"),
            name=chosen["name"],
            kind=chosen["kind"],
            flow_id=flow.id,
            number_pattern=chosen["pattern"],
        )
        with contextlib.suppress(ServiceError):
            # Published at once when every role it needs has holders; otherwise it stays a
            # draft until the administrator assigns them and publishes it.
            flow, _flow_version = await flows.publish_flow(actor, flow_id=flow.id)
    return doc_type, flow


def _free_code(key: str) -> Any:
    async def free(scope: TenantScope, what: str) -> str:
        model = {"form": forms.FormDefinition, "flow": FlowDefinition, "type": DocumentType}[what]
        field = "code" if what == "type" else "key"
        candidate, n = key, 1
        while await scope.query(model).filter(**{field: candidate}).exists():
            n += 1
            candidate = f"{key}{n}"
        return candidate

    return free
