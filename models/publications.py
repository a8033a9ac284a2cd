"""Information publications (信息刊物): publications, their numbered issues (第N期), the
articles units contribute (采用 when an issue carrying them is published) and subscribers."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields

from models.base import TenantEntity


class PublicationKind(StrEnum):
    JOURNAL = "journal"
    BULLETIN = "bulletin"
    BRIEFING = "briefing"
    NEWSLETTER = "newsletter"


class IssueStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"


class ArticleStatus(StrEnum):
    SUBMITTED = "submitted"
    SELECTED = "selected"
    """Placed in an issue that is not published yet."""
    ADOPTED = "adopted"
    """In a published issue (采用)."""
    DECLINED = "declined"


class Publication(TenantEntity):
    title = fields.CharField(max_length=200)
    kind = fields.CharEnumField(PublicationKind, max_length=16, default=PublicationKind.JOURNAL)
    description = fields.TextField(default="")
    approval_document_type_id: uuid.UUID | None = fields.UUIDField(null=True)
    """Issues are signed off through a document of this type; published at once when unset."""
    unit_ids: list[Any] = fields.JSONField(default=list)
    role_ids: list[Any] = fields.JSONField(default=list)
    to_everyone = fields.BooleanField(default=True)
    """Readers in the tenant: everyone, or the subscribing units (and below) and roles."""
    source_tenant_id: uuid.UUID | None = fields.UUIDField(null=True)
    source_publication_id: uuid.UUID | None = fields.UUIDField(null=True, db_index=True)
    """A publication received by subscription: its id at the publisher."""
    version = fields.IntField(default=1)

    class Meta:
        table = "publication"


class PublicationSubscriber(TenantEntity):
    """Another tenant that receives every issue of the publication (kept by the publisher)."""

    publication: fields.ForeignKeyRelation[Publication] = fields.ForeignKeyField(
        "officecloud.Publication", related_name="subscribers", on_delete=fields.CASCADE
    )
    subscriber_tenant_id = fields.UUIDField()

    publication_id: uuid.UUID

    class Meta:
        table = "publication_subscriber"
        unique_together = (("publication", "subscriber_tenant_id"),)


class IssueSequence(TenantEntity):
    """The last issue number handed out per publication and year, locked to allocate."""

    publication: fields.ForeignKeyRelation[Publication] = fields.ForeignKeyField(
        "officecloud.Publication", related_name=False, on_delete=fields.CASCADE
    )
    year = fields.IntField()
    last_seq = fields.IntField(default=0)

    publication_id: uuid.UUID

    class Meta:
        table = "issue_sequence"
        unique_together = (("publication", "year"),)


class PublicationIssue(TenantEntity):
    publication: fields.ForeignKeyRelation[Publication] = fields.ForeignKeyField(
        "officecloud.Publication", related_name="issues", on_delete=fields.CASCADE
    )
    theme = fields.CharField(max_length=300, default="")
    year: int | None = fields.IntField(null=True)
    number: int | None = fields.IntField(null=True)
    """第N期 within the year, allocated when published (gap-free)."""
    status = fields.CharEnumField(IssueStatus, max_length=16, default=IssueStatus.DRAFT)
    editor_id: uuid.UUID | None = fields.UUIDField(null=True)
    approval_document_id: uuid.UUID | None = fields.UUIDField(null=True, db_index=True)
    published_at: datetime | None = fields.DatetimeField(null=True)
    source_tenant_id: uuid.UUID | None = fields.UUIDField(null=True)
    source_issue_id: uuid.UUID | None = fields.UUIDField(null=True)
    version = fields.IntField(default=1)

    publication_id: uuid.UUID

    class Meta:
        table = "publication_issue"
        unique_together = (("publication", "year", "number"),)
        indexes = (("tenant_id", "status", "published_at"),)


class Article(TenantEntity):
    """稿件: contributed by a unit, adopted (采用) once an issue carrying it is published."""

    publication: fields.ForeignKeyRelation[Publication] = fields.ForeignKeyField(
        "officecloud.Publication", related_name="articles", on_delete=fields.CASCADE
    )
    issue: fields.ForeignKeyNullableRelation[PublicationIssue] = fields.ForeignKeyField(
        "officecloud.PublicationIssue",
        related_name="articles",
        null=True,
        on_delete=fields.SET_NULL,
    )
    title = fields.CharField(max_length=300)
    body = fields.TextField(default="")
    author_id: uuid.UUID | None = fields.UUIDField(null=True)
    org_unit_id: uuid.UUID | None = fields.UUIDField(null=True)
    unit_name = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(ArticleStatus, max_length=16, default=ArticleStatus.SUBMITTED)
    position = fields.IntField(default=0)
    adopted_at: datetime | None = fields.DatetimeField(null=True)

    publication_id: uuid.UUID
    issue_id: uuid.UUID | None

    class Meta:
        table = "article"
        indexes = (("tenant_id", "publication_id", "org_unit_id"),)
