"""What the document mutations answer."""

from __future__ import annotations

import strawberry

from models import documents as m
from models.flows import FlowDefinition
from schema.documents.attachments import Attachment
from schema.documents.document_types import DocumentTemplate, DocumentType
from schema.documents.types import Document, Task
from schema.errors import UserError, user_errors
from schema.flows import Flow
from schema.mutations import Outcome
from services.documents.runtime import Run


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DocumentTypePayload:
    document_type: DocumentType | None = strawberry.field(
        description="The document type as changed."
    )
    flow: Flow | None = strawberry.field(
        default=None, description="The flow installed with it, by installTemplate."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

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


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DocumentTemplatePayload:
    document_template: DocumentTemplate | None = strawberry.field(
        description="The template as changed."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.DocumentTemplate]) -> DocumentTemplatePayload:
        row, problems = outcome
        return cls(
            document_template=DocumentTemplate.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class DocumentPayload:
    document: Document | None = strawberry.field(description="The document as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Document | Run]) -> DocumentPayload:
        value, problems = outcome
        row = value.document if isinstance(value, Run) else value
        return cls(document=Document.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class AttachmentPayload:
    attachment: Attachment | None = strawberry.field(description="The attachment as stored.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Attachment]) -> AttachmentPayload:
        row, problems = outcome
        return cls(
            attachment=Attachment.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class TaskPayload:
    task: Task | None = strawberry.field(description="The task as changed.")
    document: Document | None = strawberry.field(description="Its document as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[tuple[Run, m.Task]]) -> TaskPayload:
        pair, problems = outcome
        run, task = pair if pair else (None, None)
        return cls(
            task=Task.from_model(task) if task else None,
            document=Document.from_model(run.document) if run else None,
            errors=user_errors(problems),
        )
