"""declineArticle: the editor will not use an article."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import publications as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.publications.payloads import ArticlePayload
from schema.types import Info
from services import publications


@strawberry.input(description="The article to decline.")
class DeclineArticleInput:
    id: relay.GlobalID = strawberry.field(description="A submitted article.")
    reason: str | None = strawberry.field(default=None, description="At most 1000 characters.")

    def to_command(self) -> Command[m.Article]:
        return command(
            publications.decline_article, id=node_key(self.id, "Article"), reason=self.reason
        )


@strawberry.mutation(description="Decline a contributed article (it counts as not adopted).")
async def decline_article(info: Info, input: Input[DeclineArticleInput]) -> ArticlePayload:
    return ArticlePayload.of(await perform(info, input.to_command()))
