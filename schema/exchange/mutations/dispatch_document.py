"""dispatchDocument: 分发 a completed 发文 to partner tenants."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import exchange as m
from resolvers.ids import node_key, node_uuid
from schema.exchange.payloads import DispatchPayload
from schema.exchange.types import TENANT_TYPES
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.exchange import dispatch
from services.exchange.dispatch import RecipientSpec


@strawberry.input(description="One recipient of a dispatch.")
class DispatchRecipientInput:
    tenant_id: relay.GlobalID = strawberry.field(
        description="A Tenant (or ExchangeRecipient) id from exchangeRecipients."
    )
    role: m.RecipientRole = strawberry.field(
        default=m.RecipientRole.MAIN, description="主送 (MAIN, the default) or 抄送 (COPY)."
    )
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of its units (ExchangeRecipient.orgUnits); default: all."
    )

    def to_spec(self) -> RecipientSpec:
        return RecipientSpec(
            tenant_id=node_key(self.tenant_id, *TENANT_TYPES),
            role=self.role,
            org_unit_id=node_uuid(self.org_unit_id, "OrgUnit"),
        )


@strawberry.input(description="Send (分发) a completed 发文 to other departments.")
class DispatchDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    recipients: list[DispatchRecipientInput] = strawberry.field(description="Where to send it.")
    comment: str | None = strawberry.field(
        default=None, description="A note kept with the dispatch; it does not leave."
    )

    def to_command(self) -> Command[m.Dispatch]:
        return command(
            dispatch.dispatch_document,
            document_id=node_key(self.id, "Document"),
            recipients=[r.to_spec() for r in self.recipients],
            comment=self.comment,
        )


@strawberry.mutation(
    description="分发 a completed or archived 发文 you may read to partner tenants "
    "(exchange.send). Each tenant (or unit) receives a document once."
)
async def dispatch_document(info: Info, input: Input[DispatchDocumentInput]) -> DispatchPayload:
    return DispatchPayload.of(await perform(info, input.to_command()))
