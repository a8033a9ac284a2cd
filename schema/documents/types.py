"""Documents, their tasks and trail (全程跟踪); the types of document types and attachments
are in `document_types.py` and `attachments.py`, the vocabulary's enums in `enums.py`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

import schema.documents.enums  # noqa: F401 (registers the enums the types below use)
from models import documents as m
from resolvers import documents as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.directory.types import OrgUnit, User
from schema.documents.attachments import Attachment
from schema.documents.document_types import DocumentType
from schema.flows import FlowVersion
from schema.forms import FormVersion
from schema.nodes import LoadedNode
from schema.types import Info
from workflow.vocabulary import DocumentAction, TaskAction, TaskOutcome, TaskStatus


@strawberry.type(description="A node of the flow.")
class FlowNode:
    id: str = strawberry.field(description="The node's id in the flow definition.")
    name: str = strawberry.field(description="The node's name, e.g. 核稿.")


@strawberry.type(description="减签: the signers of an open countersign the viewer may remove.")
class RemovableSigners:
    node: FlowNode = strawberry.field(description="The countersign node.")
    users: list[User] = strawberry.field(description="Signers who may still be removed.")


@strawberry.type(name="Task", description="A step someone must take on a document (待办 item).")
class Task(LoadedNode):
    id: relay.NodeID[str]
    node_id: str = strawberry.field(description="Id of the flow node (节点) the task belongs to.")
    node_name: str = strawberry.field(description="Name of that node, e.g. 核稿.")
    pool: bool = strawberry.field(description="Candidates claim it before acting (签收/抢办).")
    status: TaskStatus = strawberry.field(description="Where the task stands.")
    outcome: TaskOutcome | None = strawberry.field(description="Set once COMPLETED.")
    comment: str | None = strawberry.field(description="The comment given when acting, or null.")
    due_at: datetime | None = strawberry.field(description="The deadline, or null.")
    closed_at: datetime | None = strawberry.field(
        description="When it was closed; null while open."
    )
    overdue: bool = strawberry.field(
        description="True when past its deadline (open, or closed late)."
    )
    opened_at: datetime | None = strawberry.field(
        description="When someone who may act on it first opened it (openTask); from then on "
        "its previous handler can no longer take the step back (撤回)."
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    row: strawberry.Private[m.Task]

    loader = r.ReadableTaskById

    columns = (
        "node_id",
        "node_name",
        "pool",
        "status",
        "outcome",
        "comment",
        "due_at",
        "closed_at",
        "opened_at",
        "created_at",
    )
    joins: ClassVar[dict[str, str]] = {
        "document": "document_id",
        "delegated_from": "delegated_from_id",
        "assignee": "assignee_id",
        "acted_by": "acted_by_id",
    }

    @classmethod
    def from_model(cls, row: m.Task) -> Task:
        return cls(
            id=str(row.id),
            **cls.copied(row),
            overdue=row.overdue,
            row=row,
        )

    @strawberry.field(description="The document the task is about.")
    async def document(self, info: Info) -> Document | None:
        return await Document.load(info, self.row.document_id)

    @strawberry.field(
        description="委托规则: whose task it is when her out-of-office rule sent it to the "
        "assignee; she still sees it (myTasks(kind: DELEGATED))."
    )
    async def delegated_from(self, info: Info) -> User | None:
        return await User.load(info, self.row.delegated_from_id)

    @strawberry.field(description="Who acts; null while a pool task is unclaimed.")
    async def assignee(self, info: Info) -> User | None:
        return await User.load(info, self.row.assignee_id)

    @strawberry.field(description="Who acted on it; null while open.")
    async def acted_by(self, info: Info) -> User | None:
        return await User.load(info, self.row.acted_by_id)

    @strawberry.field(description="Who may claim it (pool) or act on it (no single assignee).")
    async def candidates(self, info: Info) -> list[User]:
        rows = await r.CandidatesByTask(info.context).load(self.row.id)
        users = await User.loader(info.context).load_many([c.user_id for c in rows])
        return [User.from_model(u) for u in users if u]

    @strawberry.field(
        description="What the viewer may do to it now (for buttons): exactly the actions whose "
        "mutation would not refuse for lack of permission or state."
    )
    async def allowed_actions(self, info: Info) -> list[TaskAction]:
        return await r.task_actions(info.context, self.row)

    @strawberry.field(description="Earlier nodes it may be returned to (退回), latest first.")
    async def return_targets(self, info: Info) -> list[FlowNode]:
        nodes = await r.return_targets(info.context, self.row)
        return [FlowNode(id=n.id, name=n.name) for n in nodes]


@strawberry.type(name="DocumentEvent", description="One step of the trail (全程跟踪).")
class DocumentEvent(LoadedNode):
    id: relay.NodeID[str]
    seq: int = strawberry.field(description="Position in the document's trail, from 1.")
    action: str = strawberry.field(description="What happened, e.g. submit, approve, return.")
    node_id: str | None = strawberry.field(description="The flow node it happened at, or null.")
    node_name: str | None = strawberry.field(description="That node's name, or null.")
    from_status: str | None = strawberry.field(description="The document's status before, or null.")
    to_status: str | None = strawberry.field(description="The document's status after, or null.")
    comment: str | None = strawberry.field(description="The comment given, or null.")
    data: JSON = strawberry.field(
        description="Details of the event (JSON), without fields hidden from you."
    )
    at: datetime = strawberry.field(description="When it happened (ISO 8601, UTC).")
    row: strawberry.Private[m.DocumentEvent]

    loader = r.ReadableEventById

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

    @strawberry.field(
        description="Changed form fields: {field: [old, new]}, without fields hidden from you."
    )
    async def changes(self, info: Info) -> JSON:
        return cast(JSON, await r.visible_changes(info.context, self.row))

    @strawberry.field(description="Null for the system (timers).")
    async def actor(self, info: Info) -> User | None:
        return await User.load(info, self.row.actor_id)


@strawberry.type(name="Document", description="An official document (公文).")
class Document(LoadedNode):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="The document's title.")
    number: str | None = strawberry.field(description="文号, once allocated.")
    urgency: m.Urgency = strawberry.field(description="缓急: how urgent.")
    secrecy: m.Secrecy = strawberry.field(description="密级: secrecy level.")
    status: m.DocumentStatus = strawberry.field(description="Where the document stands.")
    version: int = strawberry.field(description="Send as expectedVersion to detect conflicts.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    submitted_at: datetime | None = strawberry.field(
        description="When it was submitted into its flow; null for a draft."
    )
    completed_at: datetime | None = strawberry.field(
        description="When its flow ended; null before."
    )
    archived_at: datetime | None = strawberry.field(
        description="When it was archived (归档); null before."
    )
    row: strawberry.Private[m.Document]

    loader = r.DocumentById

    columns = (
        "title",
        "number",
        "urgency",
        "secrecy",
        "status",
        "version",
        "created_at",
        "submitted_at",
        "completed_at",
        "archived_at",
    )
    joins: ClassVar[dict[str, str]] = {
        "document_type": "document_type_id",
        "initiator": "initiator_id",
        "org_unit": "org_unit_id",
    }

    @classmethod
    def from_model(cls, row: m.Document) -> Document:
        return cls(
            id=str(row.id),
            **cls.copied(row),
            row=row,
        )

    @strawberry.field(
        description="Form data, without the fields hidden from you: a field some node hides "
        "shows only to the initiator, documents.manage holders and those who stood at a node "
        "where it is not hidden."
    )
    async def form_data(self, info: Info) -> JSON:
        return cast(JSON, await r.visible_form_data(info.context, self.row))

    @strawberry.field(description="Its document type (发文, 收文, …).")
    async def document_type(self, info: Info) -> DocumentType | None:
        return await DocumentType.load(info, self.row.document_type_id)

    @strawberry.field(description="Who drafted it (拟稿人).")
    async def initiator(self, info: Info) -> User | None:
        return await User.load(info, self.row.initiator_id)

    @strawberry.field(description="The org unit it was drafted in.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.row.org_unit_id)

    @strawberry.field(description="The flow version it runs on (kept when the flow changes).")
    async def flow_version(self, info: Info) -> FlowVersion | None:
        return await FlowVersion.load(info, self.row.flow_version_id)

    @strawberry.field(description="The form version it was started with.")
    async def form_version(self, info: Info) -> FormVersion | None:
        return await FormVersion.load(info, self.row.form_version_id)

    @strawberry.field(
        description="What the viewer may do to it now (for buttons): withdraw, urge, terminate, "
        "submit, archive, exactly when the mutation would not refuse for lack of permission "
        "or state."
    )
    async def allowed_actions(self, info: Info) -> list[DocumentAction]:
        return await r.document_actions(info.context, self.row)

    @strawberry.field(
        description="减签: per open countersign, the signers the viewer may remove with "
        "removeSigners now (those she added, or any who has not voted for a documents.manage "
        "holder; never the last one)."
    )
    async def removable_signers(self, info: Info) -> list[RemovableSigners]:
        found = await r.removable_signers(info.context, self.row)
        flow = await r.flow_of(info.context, self.row) if found else None
        out = []
        for node_id, user_ids in found:
            assert flow is not None
            rows = await User.loader(info.context).load_many([uuid.UUID(u) for u in user_ids])
            node = FlowNode(id=node_id, name=flow.node(node_id).name)
            out.append(RemovableSigners(node=node, users=[User.from_model(u) for u in rows if u]))
        return out

    @strawberry.field(description="Every task, oldest first; filter with `open`.")
    async def tasks(
        self,
        info: Info,
        open: Annotated[
            bool,
            strawberry.argument(description=("True: only the open tasks; false: every task.")),
        ] = False,
    ) -> list[Task]:
        rows = await r.TasksByDocument(info.context).load(self.row.id)
        return [Task.from_model(t) for t in rows if not open or t.status is TaskStatus.OPEN]

    @strawberry.field(description="Attachments (their newest versions unless everyVersion).")
    async def attachments(
        self,
        info: Info,
        every_version: Annotated[
            bool,
            strawberry.argument(
                description="Every uploaded version of each file, not only the latest."
            ),
        ] = False,
    ) -> list[Attachment]:
        rows = await r.attachments_of(info.context, self.row, every_version)
        return [Attachment.from_model(row) for row in rows]

    @strawberry.field(description="Nodes where the document waits now.")
    async def current_nodes(self, info: Info) -> list[FlowNode]:
        rows = await r.TasksByDocument(info.context).load(self.row.id)
        seen = {t.node_id: t.node_name for t in rows if t.status is TaskStatus.OPEN}
        return [FlowNode(id=k, name=v) for k, v in seen.items()]

    @strawberry.field(description="The trail: every action with actor, node, status and changes.")
    async def timeline(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DocumentEvent]:
        page = await r.timeline(info.context, self.row, PageArgs(first, after, last, before))
        return Connection.of(page, DocumentEvent.from_model)
