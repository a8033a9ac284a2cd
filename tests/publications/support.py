"""Publication helpers: what the tests select, and an article contributed by a unit."""

from __future__ import annotations

from tests.notices.desk import Desk, desk
from tests.notices.support import Units

__all__ = ["ARTICLE", "ISSUE", "Desk", "contribute", "desk"]

ISSUE = "issue { id title issue number year status kind articles { title status unitName } } "
ARTICLE = "article { id title status unitName } "


async def contribute(units: Units, who: str, publication_id: str, title: str) -> str:
    created = await units.office.ok(
        who,
        "contributeArticle",
        {"publicationId": publication_id, "title": title, "body": f"{title}的正文"},
        ARTICLE,
    )
    article_id: str = created["article"]["id"]
    return article_id
