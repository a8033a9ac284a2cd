"""What the publication mutations answer."""

from __future__ import annotations

import strawberry

from models import publications as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.publications.types import Article, Publication, PublicationIssue


@strawberry.type(description="The publication, or why not.")
class PublicationPayload:
    publication: Publication | None = strawberry.field(description="The publication.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")

    @classmethod
    def of(cls, outcome: Outcome[m.Publication]) -> PublicationPayload:
        row, problems = outcome
        return cls(
            publication=Publication.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(description="The article, or why not.")
class ArticlePayload:
    article: Article | None = strawberry.field(description="The article.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")

    @classmethod
    def of(cls, outcome: Outcome[m.Article]) -> ArticlePayload:
        row, problems = outcome
        return cls(article=Article.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(description="The issue, or why not.")
class IssuePayload:
    issue: PublicationIssue | None = strawberry.field(description="The issue.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")

    @classmethod
    def of(cls, outcome: Outcome[m.PublicationIssue]) -> IssuePayload:
        row, problems = outcome
        return cls(
            issue=PublicationIssue.from_model(row) if row else None, errors=user_errors(problems)
        )
