"""contributeArticle: 投稿."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import publications as m
from resolvers.ids import node_key, node_uuid
from schema.mutations import Command, Input, command, perform
from schema.publications.payloads import ArticlePayload
from schema.types import Info
from services import publications


@strawberry.input(description="An article for a publication.")
class ContributeArticleInput:
    publication_id: relay.GlobalID = strawberry.field(description="The publication.")
    title: str = strawberry.field(description="At most 300 characters.")
    body: str = strawberry.field(default="", description="At most 100000 characters.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The contributing unit, one of yours (default: your first)."
    )

    def to_command(self) -> Command[m.Article]:
        return command(
            publications.contribute_article,
            publication_id=node_key(self.publication_id, "Publication"),
            title=self.title,
            body=self.body,
            org_unit_id=node_uuid(self.org_unit_id, "OrgUnit"),
        )


@strawberry.mutation(description="Contribute (投稿) an article for one of your units.")
async def contribute_article(info: Info, input: Input[ContributeArticleInput]) -> ArticlePayload:
    return ArticlePayload.of(await perform(info, input.to_command()))
