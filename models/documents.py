"""Official documents (公文): types, templates, documents, their tasks, trail, numbers, timers
and attachments, and the out-of-office rules (委托规则) that route new tasks."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import TenantEntity
from workflow.vocabulary import TaskOutcome, TaskStatus

if TYPE_CHECKING:
    from models.directory import OrgUnit, User
    from models.flows import FlowDefinition, FlowVersion
    from models.forms import FormVersion


class DocumentKind(StrEnum):
    DISPATCH = "dispatch"
    RECEIPT = "receipt"
    REQUEST = "request"
    OTHER = "other"


class Urgency(StrEnum):
    """缓急: 平件, 加急, 特急, 特提."""

    NORMAL = "normal"
    URGENT = "urgent"
    EXTRA_URGENT = "extra_urgent"
    FLASH = "flash"


class Secrecy(StrEnum):
    """密级, narrowest last: 公开, 内部, 秘密, 机密, 绝密."""

    PUBLIC = "public"
    INTERNAL = "internal"
    SECRET = "secret"  # noqa: S105 (a secrecy level, not a password)
    CONFIDENTIAL = "confidential"
    TOP_SECRET = "top_secret"  # noqa: S105


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"
    ARCHIVED = "archived"


class DocumentType(TenantEntity):
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(DocumentKind, max_length=16, default=DocumentKind.OTHER)
    flow: fields.ForeignKeyRelation[FlowDefinition] = fields.ForeignKeyField(
        "officecloud.FlowDefinition", related_name=False, on_delete=fields.RESTRICT
    )
    number_pattern = fields.CharField(max_length=200, default="")
    """e.g. 京经信发〔{year}〕{seq}号, empty when documents of this type get no number."""
    seq_width = fields.IntField(default=0)
    active = fields.BooleanField(default=True)
    version = fields.IntField(default=1)

    flow_id: uuid.UUID

    class Meta:
        table = "document_type"
        unique_together = (("tenant", "code"),)


class DocumentTemplate(TenantEntity):
    """公文模板: default field values and a body text for new documents of a type."""

    document_type: fields.ForeignKeyRelation[DocumentType] = fields.ForeignKeyField(
        "officecloud.DocumentType", related_name="templates", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    title = fields.CharField(max_length=300, default="")
    defaults: dict[str, Any] = fields.JSONField(default=dict)
    body = fields.TextField(default="")

    document_type_id: uuid.UUID

    class Meta:
        table = "document_template"


class Document(TenantEntity):
    document_type: fields.ForeignKeyRelation[DocumentType] = fields.ForeignKeyField(
        "officecloud.DocumentType", related_name=False, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=300)
    number = fields.CharField(max_length=100, null=True, db_index=True)
    form_data: dict[str, Any] = fields.JSONField(default=dict)
    urgency = fields.CharEnumField(Urgency, max_length=16, default=Urgency.NORMAL)
    secrecy = fields.CharEnumField(Secrecy, max_length=16, default=Secrecy.INTERNAL)
    status = fields.CharEnumField(
        DocumentStatus, max_length=16, default=DocumentStatus.DRAFT, db_index=True
    )
    initiator: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.RESTRICT
    )
    org_unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "officecloud.OrgUnit", related_name=False, on_delete=fields.RESTRICT
    )
    flow_version: fields.ForeignKeyRelation[FlowVersion] = fields.ForeignKeyField(
        "officecloud.FlowVersion", related_name=False, on_delete=fields.RESTRICT
    )
    form_version: fields.ForeignKeyRelation[FormVersion] = fields.ForeignKeyField(
        "officecloud.FormVersion", related_name=False, on_delete=fields.RESTRICT
    )
    instance: dict[str, Any] | None = fields.JSONField(null=True)
    """The engine's state (workflow.Instance) while and after the flow runs."""
    version = fields.IntField(default=1)
    submitted_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)

    document_type_id: uuid.UUID
    initiator_id: uuid.UUID
    org_unit_id: uuid.UUID
    flow_version_id: uuid.UUID
    form_version_id: uuid.UUID

    class Meta:
        table = "document"
        indexes = (("tenant_id", "initiator_id", "id"),)


class DocumentParticipant(TenantEntity):
    """Everyone who held a task of the document or acted on it: they may read it."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name="participants", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.RESTRICT
    )

    document_id: uuid.UUID
    user_id: uuid.UUID

    class Meta:
        table = "document_participant"
        unique_together = (("document", "user"),)
        indexes = (("tenant_id", "user_id"),)


class Task(TenantEntity):
    """The queryable copy of one engine task (the engine's instance JSON is the truth)."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name="tasks", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=64)
    node_id = fields.CharField(max_length=100)
    node_name = fields.CharField(max_length=200, default="")
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    pool = fields.BooleanField(default=False)
    status = fields.CharEnumField(TaskStatus, max_length=16, default=TaskStatus.OPEN)
    outcome = fields.CharEnumField(TaskOutcome, max_length=16, null=True)
    acted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    comment: str | None = fields.TextField(null=True)
    due_at: datetime | None = fields.DatetimeField(null=True)
    closed_at: datetime | None = fields.DatetimeField(null=True, db_index=True)
    overdue = fields.BooleanField(default=False)
    opened_at: datetime | None = fields.DatetimeField(null=True)
    """When someone who may act on it first opened it (after that, 撤回 is too late)."""
    delegated_from: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    """Whose task it would be, had an out-of-office rule not sent it to the assignee."""

    document_id: uuid.UUID
    assignee_id: uuid.UUID | None
    acted_by_id: uuid.UUID | None
    delegated_from_id: uuid.UUID | None

    class Meta:
        table = "task"
        unique_together = (("document", "key"),)
        indexes = (
            ("tenant_id", "assignee_id", "status", "id"),
            ("tenant_id", "acted_by_id", "id"),
            ("tenant_id", "delegated_from_id", "id"),
        )


class TaskCandidate(TenantEntity):
    """A user who may claim or act on a task that has no single assignee."""

    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "officecloud.Task", related_name="candidates", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.RESTRICT
    )

    task_id: uuid.UUID
    user_id: uuid.UUID

    class Meta:
        table = "task_candidate"
        unique_together = (("task", "user"),)
        indexes = (("tenant_id", "user_id"),)


class DocumentEvent(TenantEntity):
    """One step of the trail (全程跟踪): who did what, where, and which fields changed."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name="events", on_delete=fields.CASCADE
    )
    seq = fields.IntField()
    action = fields.CharField(max_length=64)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    node_id = fields.CharField(max_length=100, null=True)
    node_name = fields.CharField(max_length=200, null=True)
    task_key = fields.CharField(max_length=64, null=True)
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16, null=True)
    comment: str | None = fields.TextField(null=True)
    changes: dict[str, Any] = fields.JSONField(default=dict)
    data: dict[str, Any] = fields.JSONField(default=dict)

    document_id: uuid.UUID
    actor_id: uuid.UUID | None

    class Meta:
        table = "document_event"
        unique_together = (("document", "seq"),)


class NumberSequence(TenantEntity):
    """The last number (文号) handed out per document type and year, locked to allocate."""

    document_type: fields.ForeignKeyRelation[DocumentType] = fields.ForeignKeyField(
        "officecloud.DocumentType", related_name=False, on_delete=fields.CASCADE
    )
    year = fields.IntField()
    last_seq = fields.IntField(default=0)

    document_type_id: uuid.UUID

    class Meta:
        table = "number_sequence"
        unique_together = (("document_type", "year"),)


class DocumentNumber(TenantEntity):
    """Every number ever allocated, kept when voided so none is reused silently."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name="numbers", on_delete=fields.RESTRICT
    )
    document_type: fields.ForeignKeyRelation[DocumentType] = fields.ForeignKeyField(
        "officecloud.DocumentType", related_name=False, on_delete=fields.RESTRICT
    )
    year = fields.IntField()
    seq = fields.IntField()
    text = fields.CharField(max_length=100)
    voided = fields.BooleanField(default=False)
    void_reason: str | None = fields.TextField(null=True)
    voided_at: datetime | None = fields.DatetimeField(null=True)
    voided_by_id = fields.UUIDField(null=True)

    document_id: uuid.UUID
    document_type_id: uuid.UUID

    class Meta:
        table = "document_number"
        unique_together = (("document_type", "year", "seq"),)


class Timer(TenantEntity):
    """A durable deadline or reminder, claimed by workers with FOR UPDATE SKIP LOCKED."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name=False, on_delete=fields.CASCADE
    )
    task_key = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=16)
    due_at = fields.DatetimeField(db_index=True)
    fired_at: datetime | None = fields.DatetimeField(null=True)

    document_id: uuid.UUID

    class Meta:
        table = "timer"
        unique_together = (("document", "task_key", "kind"),)


class Attachment(TenantEntity):
    """One version of an attached file, whose bytes the blob store keeps under their sha256."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name="attachments", on_delete=fields.CASCADE
    )
    group_id = fields.UUIDField(db_index=True)
    """Versions of one attachment share a group id."""
    version = fields.IntField(default=1)
    name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size = fields.BigIntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    uploaded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.RESTRICT
    )

    document_id: uuid.UUID
    uploaded_by_id: uuid.UUID

    class Meta:
        table = "attachment"
        unique_together = (("group_id", "version"),)


class DelegationRule(TenantEntity):
    """委托规则: from starts_at until ends_at, new tasks of the user (of one flow, when set) go
    to the delegate, and each keeps the user as delegated_from."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    delegate: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.CASCADE
    )
    flow: fields.ForeignKeyNullableRelation[FlowDefinition] = fields.ForeignKeyField(
        "officecloud.FlowDefinition", related_name=False, null=True, on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    reason = fields.CharField(max_length=200, default="")
    created_by_id = fields.UUIDField()
    version = fields.IntField(default=1)

    user_id: uuid.UUID
    delegate_id: uuid.UUID
    flow_id: uuid.UUID | None

    class Meta:
        table = "delegation_rule"
        indexes = (("tenant_id", "user_id", "ends_at"), ("tenant_id", "ends_at", "starts_at"))
