"""publishIssue: sign off (through the approval flow) and publish."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import publications as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.publications.payloads import IssuePayload
from schema.types import Info
from services import publications


@strawberry.input(description="The issue to publish.")
class PublishIssueInput:
    id: relay.GlobalID = strawberry.field(description="A draft or rejected issue.")

    def to_command(self) -> Command[m.PublicationIssue]:
        return command(publications.publish_issue, id=node_key(self.id, "PublicationIssue"))


@strawberry.mutation(
    description="Publish an issue: numbered 第N期 and sent to readers and subscribers, or "
    "first submitted to the publication's approval flow."
)
async def publish_issue(info: Info, input: Input[PublishIssueInput]) -> IssuePayload:
    return IssuePayload.of(await perform(info, input.to_command()))
