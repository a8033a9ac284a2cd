"""createIssue: the editor assembles a draft issue."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import publications as m
from resolvers.ids import node_key, node_uuids
from schema.mutations import Command, Input, command, perform
from schema.publications.payloads import IssuePayload
from schema.types import Info
from services import publications


@strawberry.input(description="A draft issue of a publication.")
class CreateIssueInput:
    publication_id: relay.GlobalID = strawberry.field(description="The publication.")
    theme: str = strawberry.field(default="", description="At most 300 characters.")
    article_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Submitted articles, in the order they appear."
    )

    def to_command(self) -> Command[m.PublicationIssue]:
        return command(
            publications.create_issue,
            publication_id=node_key(self.publication_id, "Publication"),
            theme=self.theme,
            article_ids=node_uuids(self.article_ids, "Article"),
        )


@strawberry.mutation(description="Assemble a draft issue (期) from contributed articles.")
async def create_issue(info: Info, input: Input[CreateIssueInput]) -> IssuePayload:
    return IssuePayload.of(await perform(info, input.to_command()))
