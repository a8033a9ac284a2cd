"""Document types (发文, 收文, 签报, …) and their templates."""

from __future__ import annotations

import uuid
from typing import ClassVar, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

import schema.documents.enums  # noqa: F401 (registers the enums the types below use)
from models import documents as m
from resolvers import documents as r
from schema.flows import Flow
from schema.nodes import LoadedNode
from schema.types import Info


@strawberry.type(name="DocumentTemplate", description="公文模板: defaults and a body text.")
class DocumentTemplate(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Display name.")
    title: str = strawberry.field(description="The title a new document starts with.")
    defaults: JSON = strawberry.field(
        description="Form data a new document starts with (JSON object)."
    )
    body: str = strawberry.field(description="The body text a new document starts with, or null.")

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
class DocumentType(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Short code, unique in the tenant, e.g. fw.")
    name: str = strawberry.field(description="Display name, e.g. 发文.")
    kind: m.DocumentKind = strawberry.field(description="Outgoing, incoming, request or other.")
    number_pattern: str = strawberry.field(description="e.g. 京经信发〔{year}〕{seq}号")
    seq_width: int = strawberry.field(
        description=("Digits of the sequence in the document number (文号), zero-padded.")
    )
    active: bool = strawberry.field(
        description="Whether new documents of this type may be created."
    )
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    flow_id: strawberry.Private[uuid.UUID]

    loader = r.DocumentTypeById

    columns = (
        "code",
        "name",
        "kind",
        "number_pattern",
        "seq_width",
        "active",
        "version",
        "flow_id",
    )
    joins: ClassVar[dict[str, str]] = {"flow": "flow_id"}

    @classmethod
    def from_model(cls, row: m.DocumentType) -> DocumentType:
        return cls(
            id=str(row.id),
            **cls.copied(row),
        )

    @strawberry.field(description="The flow its documents run through.")
    async def flow(self, info: Info) -> Flow | None:
        return await Flow.load(info, self.flow_id)

    @strawberry.field(description="Templates (模板) to start a document from.")
    async def templates(self, info: Info) -> list[DocumentTemplate]:
        rows = await r.TemplatesByDocumentType(info.context).load(uuid.UUID(self.id))
        return [DocumentTemplate.from_model(row) for row in rows]
