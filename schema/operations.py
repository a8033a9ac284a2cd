"""Trusted documents (registered operations): what a front end's build registers so that its
requests may name an operation by hash (`server/operations.py`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import operations as m
from schema.errors import UserError, user_errors
from schema.mutations import Command, Input, Outcome, command, perform
from schema.types import Info
from services import operations as s


@strawberry.type(description="A registered GraphQL document (trusted document, persisted query).")
class TrustedDocument:
    hash: str = strawberry.field(
        description="SHA-256 of the text (UTF-8), lower-case hex: send it as "
        '`extensions.persistedQuery.sha256Hash`, or as `documentId: "sha256:<hash>"`.'
    )
    document_id: str | None = strawberry.field(
        description="The client build's own id for it, usable as `documentId`, if it has one."
    )
    name: str | None = strawberry.field(description="Its first operation's name.")
    registered_at: datetime = strawberry.field(description="When it was first registered.")

    @classmethod
    def from_model(cls, row: m.TrustedDocument) -> TrustedDocument:
        return cls(
            hash=row.hash, document_id=row.document_id, name=row.name, registered_at=row.created_at
        )


@strawberry.input(description="One document of a client build's manifest.")
class OperationInput:
    body: str = strawberry.field(description="The document's text, exactly as the client has it.")
    document_id: str | None = strawberry.field(
        default=None,
        description="The client's own id for it when that is not `sha256:<hash>` (Relay).",
    )


@strawberry.input(description="The documents of a client build's manifest, to register.")
class RegisterOperationsInput:
    documents: list[OperationInput] = strawberry.field(
        description="The documents, 1 to 500, each at most 100,000 bytes of GraphQL."
    )

    def to_command(self) -> Command[list[m.TrustedDocument]]:
        operations = [s.Operation(d.body, d.document_id) for d in self.documents]
        return command(s.register_operations, operations=operations)


@strawberry.type(
    description="What the mutation answers: the registered documents, or the errors that "
    "stopped it."
)
class RegisterOperationsPayload:
    documents: list[TrustedDocument] = strawberry.field(
        description="The registered documents, in the order sent (already known ones too)."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[list[m.TrustedDocument]]) -> RegisterOperationsPayload:
        rows, problems = outcome
        documents = [TrustedDocument.from_model(r) for r in rows or []]
        return cls(documents=documents, errors=user_errors(problems))


@strawberry.type
class OperationMutation:
    @strawberry.mutation(
        description="Register trusted documents (persisted queries) by hash. Platform admins "
        "only; registering a document again changes nothing."
    )
    async def register_operations(
        self, info: Info, input: Input[RegisterOperationsInput]
    ) -> RegisterOperationsPayload:
        return RegisterOperationsPayload.of(await perform(info, input.to_command()))
