"""What the document mutations answer."""

from __future__ import annotations

import strawberry

from models import documents as m
from models.flows import FlowDefinition
from schema.documents.types import Attachment, Document, DocumentTemplate, DocumentType, Task
from schema.errors import UserError, user_errors
from schema.flows import Flow
from schema.mutations import Outcome
from services.documents.runtime import Run


@strawberry.type
class DocumentTypePayload:
    document_type: DocumentType | None
    flow: Flow | None = None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.DocumentType]) -> DocumentTypePayload:
        row, problems = outcome
        return cls(
            document_type=DocumentType.from_model(row) if row else None,
            errors=user_errors(problems),
        )

    @classmethod
    def installed(
        cls, outcome: Outcome[tuple[m.DocumentType, FlowDefinition]]
    ) -> DocumentTypePayload:
        pair, problems = outcome
        doc_type, flow = pair if pair else (None, None)
        return cls(
            document_type=DocumentType.from_model(doc_type) if doc_type else None,
            flow=Flow.from_model(flow) if flow else None,
            errors=user_errors(problems),
        )


@strawberry.type
class DocumentTemplatePayload:
    document_template: DocumentTemplate | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.DocumentTemplate]) -> DocumentTemplatePayload:
        row, problems = outcome
        return cls(
            document_template=DocumentTemplate.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class DocumentPayload:
    document: Document | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.Document | Run]) -> DocumentPayload:
        value, problems = outcome
        row = value.document if isinstance(value, Run) else value
        return cls(document=Document.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class AttachmentPayload:
    attachment: Attachment | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.Attachment]) -> AttachmentPayload:
        row, problems = outcome
        return cls(
            attachment=Attachment.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type
class TaskPayload:
    task: Task | None
    document: Document | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[tuple[Run, m.Task]]) -> TaskPayload:
        pair, problems = outcome
        run, task = pair if pair else (None, None)
        return cls(
            task=Task.from_model(task) if task else None,
            document=Document.from_model(run.document) if run else None,
            errors=user_errors(problems),
        )
