"""The publication mutations, in schema order."""

import strawberry

from schema.publications.mutations.contribute_article import contribute_article
from schema.publications.mutations.create_issue import create_issue
from schema.publications.mutations.create_publication import create_publication
from schema.publications.mutations.decline_article import decline_article
from schema.publications.mutations.publish_issue import publish_issue
from schema.publications.mutations.set_issue_articles import set_issue_articles


@strawberry.type
class PublicationMutation:
    create_publication = create_publication
    contribute_article = contribute_article
    decline_article = decline_article
    create_issue = create_issue
    set_issue_articles = set_issue_articles
    publish_issue = publish_issue
