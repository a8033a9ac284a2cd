"""Official documents (公文): types and templates, documents and their tasks, the day's work
(待办 / 已办 / 我发起的), the trail (全程跟踪), and every action on a document."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from models import documents as m
from resolvers import documents as r
from resolvers.documents import DocumentList, TaskList
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection, load_nodes, node_keys
from schema.directory import OrgUnit, User
from schema.errors import UserError, user_errors
from schema.flows import Flow, FlowVersion
from schema.forms import FormVersion
from schema.types import Info
from workflow.vocabulary import DocumentAction, TaskAction, TaskOutcome, TaskStatus

DocumentKindEnum = strawberry.enum(m.DocumentKind, name="DocumentKind")
UrgencyEnum = strawberry.enum(m.Urgency, name="Urgency", description="缓急")
SecrecyEnum = strawberry.enum(m.Secrecy, name="Secrecy", description="密级, narrowest last")
DocumentStatusEnum = strawberry.enum(m.DocumentStatus, name="DocumentStatus")
TaskListEnum = strawberry.enum(TaskList, name="TaskList", description="待办 (OPEN) or 已办 (DONE)")
DocumentListEnum = strawberry.enum(DocumentList, name="DocumentList")
TaskStatusEnum = strawberry.enum(
    TaskStatus,
    name="TaskStatus",
    description="OPEN until acted on (COMPLETED, see the outcome) or handed on: DELEGATED (委托), "
    "TRANSFERRED (转交), ESCALATED (past its deadline), SUSPENDED (前加签), CANCELLED by the flow.",
)
TaskOutcomeEnum = strawberry.enum(
    TaskOutcome, name="TaskOutcome", description="How a task was decided: 同意, 不同意, 退回."
)
TaskActionEnum = strawberry.enum(
    TaskAction,
    name="TaskAction",
    description="An action on a task, named after its mutation (APPROVE is approveTask, "
    "ADD_SIGNERS is addSigners).",
)
DocumentActionEnum = strawberry.enum(
    DocumentAction,
    name="DocumentAction",
    description="An action on a document, named after its mutation (SUBMIT is submitDocument, "
    "URGE is urgeDocument).",
)


async def _user(info: Info, user_id: uuid.UUID | None) -> User | None:
    if user_id is None:
        return None
    row = await info.context.loaders.user.load(user_id)
    return User.from_model(row) if row else None


@strawberry.type(name="DocumentTemplate", description="公文模板: defaults and a body text.")
class DocumentTemplate(relay.Node):
    id: relay.NodeID[str]
    name: str
    title: str
    defaults: JSON
    body: str

    @classmethod
    def from_model(cls, row: m.DocumentTemplate) -> DocumentTemplate:
        return cls(
            id=str(row.id),
            name=row.name,
            title=row.title,
            defaults=cast(JSON, row.defaults),
            body=row.body,
        )


@strawberry.type(
    name="DocumentType", description="发文, 收文, 签报, …: a flow and a numbering rule."
)
class DocumentType(relay.Node):
    id: relay.NodeID[str]
    code: str
    name: str
    kind: DocumentKindEnum  # type: ignore[valid-type]
    number_pattern: str = strawberry.field(description="e.g. 京经信发〔{year}〕{seq}号")
    seq_width: int
    active: bool
    version: int
    flow_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: m.DocumentType) -> DocumentType:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            kind=row.kind,
            number_pattern=row.number_pattern,
            seq_width=row.seq_width,
            active=row.active,
            version=row.version,
            flow_id=row.flow_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DocumentType | None]:
        return await load_nodes(info.context.loaders.document_type, node_ids, cls.from_model)

    @strawberry.field
    async def flow(self, info: Info) -> Flow | None:
        row = await info.context.loaders.flow.load(self.flow_id)
        return Flow.from_model(row) if row else None

    @strawberry.field
    async def templates(self, info: Info) -> list[DocumentTemplate]:
        rows = await info.context.loaders.document_templates.load(uuid.UUID(self.id))
        return [DocumentTemplate.from_model(row) for row in rows]


@strawberry.type(description="A node of the flow.")
class FlowNode:
    id: str
    name: str


@strawberry.type(name="Task", description="A step someone must take on a document (待办 item).")
class Task(relay.Node):
    id: relay.NodeID[str]
    node_id: str
    node_name: str
    pool: bool = strawberry.field(description="Candidates claim it before acting (签收/抢办).")
    status: TaskStatusEnum  # type: ignore[valid-type]
    outcome: TaskOutcomeEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Set once COMPLETED."
    )
    comment: str | None
    due_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    created_at: datetime
    row: strawberry.Private[m.Task]

    @classmethod
    def from_model(cls, row: m.Task) -> Task:
        return cls(
            id=str(row.id),
            node_id=row.node_id,
            node_name=row.node_name,
            pool=row.pool,
            status=row.status,
            outcome=row.outcome,
            comment=row.comment,
            due_at=row.due_at,
            closed_at=row.closed_at,
            overdue=row.overdue,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Task | None]:
        rows = await info.context.loaders.task.load_many(node_keys(node_ids))
        readable = [
            row if row and await r.task_document(info.context, row) else None for row in rows
        ]
        return [cls.from_model(row) if row else None for row in readable]

    @strawberry.field
    async def document(self, info: Info) -> Document | None:
        row = await r.task_document(info.context, self.row)
        return Document.from_model(row) if row else None

    @strawberry.field(description="Who acts; null while a pool task is unclaimed.")
    async def assignee(self, info: Info) -> User | None:
        return await _user(info, self.row.assignee_id)

    @strawberry.field
    async def acted_by(self, info: Info) -> User | None:
        return await _user(info, self.row.acted_by_id)

    @strawberry.field(description="Who may claim it (pool) or act on it (no single assignee).")
    async def candidates(self, info: Info) -> list[User]:
        rows = await info.context.loaders.task_candidates.load(self.row.id)
        users = await info.context.loaders.user.load_many([c.user_id for c in rows])
        return [User.from_model(u) for u in users if u]

    @strawberry.field(
        description="What the viewer may do to it now (for buttons): exactly the actions whose "
        "mutation would not refuse for lack of permission or state."
    )
    async def allowed_actions(self, info: Info) -> list[TaskActionEnum]:  # type: ignore[valid-type]
        return await r.task_actions(info.context, self.row)

    @strawberry.field(description="Earlier nodes it may be returned to (退回), latest first.")
    async def return_targets(self, info: Info) -> list[FlowNode]:
        nodes = await r.return_targets(info.context, self.row)
        return [FlowNode(id=n.id, name=n.name) for n in nodes]


@strawberry.type(name="DocumentEvent", description="One step of the trail (全程跟踪).")
class DocumentEvent(relay.Node):
    id: relay.NodeID[str]
    seq: int
    action: str
    node_id: str | None
    node_name: str | None
    from_status: str | None
    to_status: str | None
    comment: str | None
    data: JSON
    at: datetime
    row: strawberry.Private[m.DocumentEvent]

    @classmethod
    def from_model(cls, row: m.DocumentEvent) -> DocumentEvent:
        return cls(
            id=str(row.id),
            seq=row.seq,
            action=row.action,
            node_id=row.node_id,
            node_name=row.node_name,
            from_status=row.from_status,
            to_status=row.to_status,
            comment=row.comment,
            data=cast(JSON, row.data),
            at=row.created_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DocumentEvent | None]:
        rows = await r.document_events(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(
        description="Changed form fields: {field: [old, new]}, without fields hidden from you."
    )
    async def changes(self, info: Info) -> JSON:
        return cast(JSON, await r.visible_changes(info.context, self.row))

    @strawberry.field(description="Null for the system (timers).")
    async def actor(self, info: Info) -> User | None:
        return await _user(info, self.row.actor_id)


@strawberry.type(name="Attachment", description="One version of a file attached to a document.")
class Attachment(relay.Node):
    id: relay.NodeID[str]
    name: str
    content_type: str
    size: int
    sha256: str
    version: int
    created_at: datetime
    row: strawberry.Private[m.Attachment]

    @classmethod
    def from_model(cls, row: m.Attachment) -> Attachment:
        return cls(
            id=str(row.id),
            name=row.name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Attachment | None]:
        rows = await r.readable_attachments(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field
    async def uploaded_by(self, info: Info) -> User | None:
        return await _user(info, self.row.uploaded_by_id)

    @strawberry.field(description="A link for you alone, valid for a few minutes.")
    def download_url(self, info: Info) -> str | None:
        return r.download_link(info.context, self.row)


@strawberry.type(name="Document", description="An official document (公文).")
class Document(relay.Node):
    id: relay.NodeID[str]
    title: str
    number: str | None = strawberry.field(description="文号, once allocated.")
    urgency: UrgencyEnum  # type: ignore[valid-type]
    secrecy: SecrecyEnum  # type: ignore[valid-type]
    status: DocumentStatusEnum  # type: ignore[valid-type]
    version: int = strawberry.field(description="Send as expectedVersion to detect conflicts.")
    created_at: datetime
    submitted_at: datetime | None
    completed_at: datetime | None
    archived_at: datetime | None
    row: strawberry.Private[m.Document]

    @classmethod
    def from_model(cls, row: m.Document) -> Document:
        return cls(
            id=str(row.id),
            title=row.title,
            number=row.number,
            urgency=row.urgency,
            secrecy=row.secrecy,
            status=row.status,
            version=row.version,
            created_at=row.created_at,
            submitted_at=row.submitted_at,
            completed_at=row.completed_at,
            archived_at=row.archived_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Document | None]:
        return await load_nodes(info.context.loaders.document, node_ids, cls.from_model)

    @strawberry.field(
        description="Form data, without the fields hidden from you: a field some node hides "
        "shows only to the initiator, documents.manage holders and those who stood at a node "
        "where it is not hidden."
    )
    async def form_data(self, info: Info) -> JSON:
        return cast(JSON, await r.visible_form_data(info.context, self.row))

    @strawberry.field
    async def document_type(self, info: Info) -> DocumentType | None:
        row = await info.context.loaders.document_type.load(self.row.document_type_id)
        return DocumentType.from_model(row) if row else None

    @strawberry.field
    async def initiator(self, info: Info) -> User | None:
        return await _user(info, self.row.initiator_id)

    @strawberry.field
    async def org_unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.row.org_unit_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The flow version it runs on (kept when the flow changes).")
    async def flow_version(self, info: Info) -> FlowVersion | None:
        row = await info.context.loaders.flow_version.load(self.row.flow_version_id)
        return FlowVersion.from_model(row) if row else None

    @strawberry.field(description="The form version it was started with.")
    async def form_version(self, info: Info) -> FormVersion | None:
        row = await info.context.loaders.form_version.load(self.row.form_version_id)
        return FormVersion.from_model(row) if row else None

    @strawberry.field(
        description="What the viewer may do to it now (for buttons): withdraw, urge, terminate, "
        "submit, archive, exactly when the mutation would not refuse for lack of permission "
        "or state."
    )
    async def allowed_actions(self, info: Info) -> list[DocumentActionEnum]:  # type: ignore[valid-type]
        return await r.document_actions(info.context, self.row)

    @strawberry.field(description="Every task, oldest first; filter with `open`.")
    async def tasks(self, info: Info, open: bool = False) -> list[Task]:
        rows = await info.context.loaders.document_tasks.load(self.row.id)
        return [Task.from_model(t) for t in rows if not open or t.status is TaskStatus.OPEN]

    @strawberry.field(description="Attachments (their newest versions unless everyVersion).")
    async def attachments(self, info: Info, every_version: bool = False) -> list[Attachment]:
        rows = await r.attachments_of(info.context, self.row, every_version)
        return [Attachment.from_model(row) for row in rows]

    @strawberry.field(description="Nodes where the document waits now.")
    async def current_nodes(self, info: Info) -> list[FlowNode]:
        rows = await info.context.loaders.document_tasks.load(self.row.id)
        seen = {t.node_id: t.node_name for t in rows if t.status is TaskStatus.OPEN}
        return [FlowNode(id=k, name=v) for k, v in seen.items()]

    @strawberry.field(description="The trail: every action with actor, node, status and changes.")
    async def timeline(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[DocumentEvent]:
        page = await r.timeline(info.context, self.row, PageArgs(first, after, last, before))
        return Connection.of(page, DocumentEvent.from_model)


# Queries ---------------------------------------------------------------------------------------


@strawberry.input
class TaskFilter:
    document_type_id: relay.GlobalID | None = None
    search: str | None = strawberry.field(default=None, description="Title or number.")


@strawberry.input
class DocumentFilter:
    status: DocumentStatusEnum | None = None  # type: ignore[valid-type]
    document_type_id: relay.GlobalID | None = None
    search: str | None = strawberry.field(default=None, description="Title or number.")


@strawberry.type
class DocumentQuery:
    @strawberry.field(
        description="My tasks: OPEN (待办, incl. pool tasks I may claim) or DONE (已办)."
    )
    async def my_tasks(
        self,
        info: Info,
        kind: TaskListEnum = TaskList.OPEN,  # type: ignore[valid-type]
        filter: TaskFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Task]:
        f = filter or TaskFilter()
        page = await r.my_tasks(
            info.context,
            which=kind,
            document_type_id=f.document_type_id,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, Task.from_model)

    @strawberry.field(
        description="Documents I started (STARTED) or may read (READABLE), newest first."
    )
    async def documents(
        self,
        info: Info,
        kind: DocumentListEnum = DocumentList.READABLE,  # type: ignore[valid-type]
        filter: DocumentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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

    @strawberry.field
    async def document_types(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[DocumentType]:
        page = await r.document_types(info.context, page=PageArgs(first, after, last, before))
        return Connection.of(page, DocumentType.from_model)


# Mutations -------------------------------------------------------------------------------------


@strawberry.input
class InstallTemplateInput:
    key: str = strawberry.field(description="A `flowTemplates` key: dispatch or receipt.")


@strawberry.input
class CreateDocumentTypeInput:
    code: str
    name: str
    kind: DocumentKindEnum  # type: ignore[valid-type]
    flow_id: relay.GlobalID
    number_pattern: str = strawberry.field(default="", description="Must contain {seq}; {year}.")
    seq_width: int = strawberry.field(default=0, description="Zero-pad {seq} to this width.")


@strawberry.input
class UpdateDocumentTypeInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    flow_id: relay.GlobalID | None = strawberry.UNSET
    number_pattern: str | None = strawberry.UNSET
    seq_width: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.input
class CreateDocumentTemplateInput:
    document_type_id: relay.GlobalID
    name: str
    title: str = ""
    defaults: JSON | None = strawberry.field(
        default=None,
        description="Default field values; each must name a field of the type's form and fit it.",
    )
    body: str = strawberry.field(
        default="", description="Body text: it goes into the form's `body` field."
    )


@strawberry.input
class CreateDocumentInput:
    document_type_id: relay.GlobalID
    title: str | None = strawberry.field(default=None, description="Default: the template's.")
    template_id: relay.GlobalID | None = None
    form_data: JSON | None = None
    urgency: UrgencyEnum = m.Urgency.NORMAL  # type: ignore[valid-type]
    secrecy: SecrecyEnum = m.Secrecy.INTERNAL  # type: ignore[valid-type]
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of the initiator's units; default: the primary one."
    )


@strawberry.input
class UpdateDocumentInput:
    id: relay.GlobalID
    title: str | None = strawberry.UNSET
    form_data: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Fields to change (merged into the data)."
    )
    urgency: UrgencyEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    secrecy: SecrecyEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    expected_version: int | None = None


@strawberry.input
class SubmitDocumentInput:
    id: relay.GlobalID
    comment: str | None = None
    expected_version: int | None = None


@strawberry.input
class ArchiveDocumentInput:
    id: relay.GlobalID


@strawberry.input
class VoidDocumentNumberInput:
    id: relay.GlobalID
    reason: str


@strawberry.input
class UploadAttachmentInput:
    document_id: relay.GlobalID
    file: Upload = strawberry.field(description="The file (GraphQL multipart request spec).")
    replaces_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Upload a new version of this attachment."
    )


@strawberry.input
class ApproveTaskInput:
    id: relay.GlobalID
    comment: str | None = None
    form_data: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Editable fields of this node to change."
    )
    expected_version: int | None = None


@strawberry.input
class RejectTaskInput:
    id: relay.GlobalID
    comment: str | None = None
    form_data: JSON | None = strawberry.UNSET
    expected_version: int | None = None


@strawberry.input
class ReturnTaskInput:
    id: relay.GlobalID
    target_node_id: str | None = strawberry.field(
        default=None, description="One of the task's returnTargets; default: the previous node."
    )
    comment: str | None = None
    expected_version: int | None = None


@strawberry.input
class DelegateTaskInput:
    id: relay.GlobalID
    to_user_id: relay.GlobalID
    return_after: bool = strawberry.field(
        default=True, description="委托: the task comes back to you to decide (else: hand over)."
    )
    comment: str | None = None


@strawberry.input
class TransferTaskInput:
    id: relay.GlobalID
    to_user_id: relay.GlobalID
    comment: str | None = None


@strawberry.input
class ClaimTaskInput:
    id: relay.GlobalID


@strawberry.input
class UnclaimTaskInput:
    id: relay.GlobalID


@strawberry.input
class AddSignersInput:
    id: relay.GlobalID
    user_ids: list[relay.GlobalID]
    position: str = strawberry.field(
        default="after", description="Task nodes: 'before' or 'after' you (加签)."
    )
    comment: str | None = None


@strawberry.input
class WithdrawDocumentInput:
    id: relay.GlobalID
    comment: str | None = None


@strawberry.input
class UrgeDocumentInput:
    id: relay.GlobalID
    task_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One open task; default: every open task."
    )
    comment: str | None = None


@strawberry.input
class TerminateDocumentInput:
    id: relay.GlobalID
    comment: str | None = None


@strawberry.type
class DocumentTypePayload:
    document_type: DocumentType | None
    flow: Flow | None = None
    errors: list[UserError]


@strawberry.type
class DocumentTemplatePayload:
    document_template: DocumentTemplate | None
    errors: list[UserError]


@strawberry.type
class DocumentPayload:
    document: Document | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[Any, tuple[Problem, ...]]) -> DocumentPayload:
        row, problems = result
        if row is not None and not isinstance(row, m.Document):
            row = row.document
        return cls(document=Document.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class AttachmentPayload:
    attachment: Attachment | None
    errors: list[UserError]


@strawberry.type
class TaskPayload:
    task: Task | None
    document: Document | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[Any, tuple[Problem, ...]]) -> TaskPayload:
        pair, problems = result
        run, task = pair if pair else (None, None)
        return cls(
            task=Task.from_model(task) if task else None,
            document=Document.from_model(run.document) if run else None,
            errors=user_errors(problems),
        )


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(
        description="Install a platform template: its roles, a published form and flow (once "
        "the roles have holders) and a document type with a numbering rule."
    )
    async def install_template(
        self, info: Info, input: InstallTemplateInput
    ) -> DocumentTypePayload:
        result, problems = await r.install_template(info.context, input)
        doc_type, flow = result if result else (None, None)
        return DocumentTypePayload(
            document_type=DocumentType.from_model(doc_type) if doc_type else None,
            flow=Flow.from_model(flow) if flow else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation
    async def create_document_type(
        self, info: Info, input: CreateDocumentTypeInput
    ) -> DocumentTypePayload:
        row, problems = await r.create_document_type(info.context, input)
        return DocumentTypePayload(
            document_type=DocumentType.from_model(row) if row else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="Changes apply to documents created afterwards.")
    async def update_document_type(
        self, info: Info, input: UpdateDocumentTypeInput
    ) -> DocumentTypePayload:
        row, problems = await r.update_document_type(info.context, input)
        return DocumentTypePayload(
            document_type=DocumentType.from_model(row) if row else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation
    async def create_document_template(
        self, info: Info, input: CreateDocumentTemplateInput
    ) -> DocumentTemplatePayload:
        row, problems = await r.create_document_template(info.context, input)
        return DocumentTemplatePayload(
            document_template=DocumentTemplate.from_model(row) if row else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="A draft (拟稿), optionally from a template.")
    async def create_document(self, info: Info, input: CreateDocumentInput) -> DocumentPayload:
        return DocumentPayload.of(await r.create_document(info.context, input))

    @strawberry.mutation(
        description="Edit a draft (initiator) or the fields editable at your open task's node."
    )
    async def update_document(self, info: Info, input: UpdateDocumentInput) -> DocumentPayload:
        return DocumentPayload.of(await r.update_document(info.context, input))

    @strawberry.mutation(description="Start the flow (the draft must satisfy the form).")
    async def submit_document(self, info: Info, input: SubmitDocumentInput) -> DocumentPayload:
        return DocumentPayload.of(await r.submit_document(info.context, input))

    @strawberry.mutation(description="归档 a completed document.")
    async def archive_document(self, info: Info, input: ArchiveDocumentInput) -> DocumentPayload:
        return DocumentPayload.of(await r.archive_document(info.context, input))

    @strawberry.mutation(description="Void the number (kept on record, never reused).")
    async def void_document_number(
        self, info: Info, input: VoidDocumentNumberInput
    ) -> DocumentPayload:
        return DocumentPayload.of(await r.void_number(info.context, input))

    @strawberry.mutation(
        description="Attach a file to a document you may edit (multipart; send the header "
        "GraphQL-Require-Preflight)."
    )
    async def upload_attachment(
        self, info: Info, input: UploadAttachmentInput
    ) -> AttachmentPayload:
        row, problems = await r.upload_attachment(info.context, input)
        return AttachmentPayload(
            attachment=Attachment.from_model(row) if row else None, errors=user_errors(problems)
        )

    @strawberry.mutation(
        description="Approve (同意) your task, optionally changing editable fields."
    )
    async def approve_task(self, info: Info, input: ApproveTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.APPROVE, input))

    @strawberry.mutation(description="Reject (不同意): back to the node's rejectTo, else the end.")
    async def reject_task(self, info: Info, input: RejectTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.REJECT, input))

    @strawberry.mutation(description="退回 to the previous or any earlier node.")
    async def return_task(self, info: Info, input: ReturnTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.RETURN, input))

    @strawberry.mutation(description="委托 your task to someone, with or without it coming back.")
    async def delegate_task(self, info: Info, input: DelegateTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.DELEGATE, input))

    @strawberry.mutation(description="转交 your task to someone else for good.")
    async def transfer_task(self, info: Info, input: TransferTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.TRANSFER, input))

    @strawberry.mutation(description="Claim a pool task (签收) so that you act on it.")
    async def claim_task(self, info: Info, input: ClaimTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.CLAIM, input))

    @strawberry.mutation(description="Put a claimed pool task back for the other candidates.")
    async def unclaim_task(self, info: Info, input: UnclaimTaskInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.UNCLAIM, input))

    @strawberry.mutation(description="加签: add countersigners, or signers before/after you.")
    async def add_signers(self, info: Info, input: AddSignersInput) -> TaskPayload:
        return TaskPayload.of(await r.act_on_task(info.context, TaskAction.ADD_SIGNERS, input))

    @strawberry.mutation(description="收回: the initiator takes it back before anyone acted.")
    async def withdraw_document(self, info: Info, input: WithdrawDocumentInput) -> DocumentPayload:
        return DocumentPayload.of(
            await r.act_on_document(info.context, DocumentAction.WITHDRAW, input)
        )

    @strawberry.mutation(description="催办: remind the holders of open tasks.")
    async def urge_document(self, info: Info, input: UrgeDocumentInput) -> DocumentPayload:
        return DocumentPayload.of(await r.act_on_document(info.context, DocumentAction.URGE, input))

    @strawberry.mutation(description="End the flow administratively (documents.manage).")
    async def terminate_document(
        self, info: Info, input: TerminateDocumentInput
    ) -> DocumentPayload:
        return DocumentPayload.of(
            await r.act_on_document(info.context, DocumentAction.TERMINATE, input)
        )
