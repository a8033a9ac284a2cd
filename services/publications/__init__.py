"""Information publications (信息刊物): publications and articles (`editing`), issues and
their numbering, approval, publishing and delivery to subscribers (`issues`), and who reads
them (`reading`)."""

from services.publications.editing import (
    contribute_article,
    create_publication,
    decline_article,
    edits,
)
from services.publications.issues import create_issue, label, publish_issue, set_issue_articles
from services.publications.reading import readable_issues, readable_publications

__all__ = [
    "contribute_article",
    "create_issue",
    "create_publication",
    "decline_article",
    "edits",
    "label",
    "publish_issue",
    "readable_issues",
    "readable_publications",
    "set_issue_articles",
]
