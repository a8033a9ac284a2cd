"""circulateDocument: 传阅, a reader sends a document to people to read."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models.circulation import Circulation
from resolvers.ids import node_key
from schema.circulation.mutations.audience import AudienceInput
from schema.circulation.payloads import CirculationPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import circulation


@strawberry.input(description="传阅: the document, whom to send it to and a note.")
class CirculateDocumentInput:
    document_id: relay.GlobalID = strawberry.field(description="A submitted document you read.")
    to: AudienceInput = strawberry.field(description="Whom to send it to.")
    note: str | None = strawberry.field(default=None, description="附言, up to 2000 characters.")
    allow_pass_on: bool = strawberry.field(
        default=True, description="Whether recipients may pass it on (转阅)."
    )

    def to_command(self) -> Command[Circulation]:
        return command(
            circulation.circulate,
            document_id=node_key(self.document_id, "Document"),
            audience=self.to.audience(),
            note=self.note,
            allow_pass_on=self.allow_pass_on,
        )


@strawberry.mutation(
    description="传阅: send a document you read (as initiator, handler or manager) to people "
    "to read. Anyone who may not read it (secrecy, another tenant, disabled) is refused "
    "(CANNOT_READ, naming them) and nothing is sent."
)
async def circulate_document(
    info: Info, input: Input[CirculateDocumentInput]
) -> CirculationPayload:
    return CirculationPayload.of(await perform(info, input.to_command()))
