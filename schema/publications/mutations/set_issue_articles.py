"""setIssueArticles: change what a draft issue carries."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import publications as m
from resolvers.ids import node_key, node_uuids
from schema.mutations import Command, Input, command, perform
from schema.publications.payloads import IssuePayload
from schema.types import Info
from services import publications


@strawberry.input(description="The issue and its articles.")
class SetIssueArticlesInput:
    id: relay.GlobalID = strawberry.field(description="A draft or rejected issue.")
    article_ids: list[relay.GlobalID] = strawberry.field(
        description="Its articles, in order; those left out are free again."
    )

    def to_command(self) -> Command[m.PublicationIssue]:
        return command(
            publications.set_issue_articles,
            id=node_key(self.id, "PublicationIssue"),
            article_ids=node_uuids(self.article_ids, "Article"),
        )


@strawberry.mutation(description="Replace the articles of a draft issue.")
async def set_issue_articles(info: Info, input: Input[SetIssueArticlesInput]) -> IssuePayload:
    return IssuePayload.of(await perform(info, input.to_command()))
