"""Portal sign-in queries: access rules, SCIM tokens, access statistics and sign-in events of
the viewer's tenant, for its administrators."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from models import sso as m
from resolvers import sso as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.sso.types import AccessDay, AccessEvent, AccessRule, ScimToken
from schema.types import Info


@strawberry.type
class SsoQuery:
    @strawberry.field(description="The tenant's portal access rules (tenant admins).")
    async def access_rules(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessRule]:
        page = await r.access_rules(info.context, PageArgs(first, after, last, before))
        return Connection.of(page, AccessRule.from_model)

    @strawberry.field(description="The tenant's SCIM tokens, revoked ones included (admins).")
    async def scim_tokens(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ScimToken]:
        page = await r.scim_tokens(info.context, PageArgs(first, after, last, before))
        return Connection.of(page, ScimToken.from_model)

    @strawberry.field(
        name="accessStats",
        description="Sign-ins, failed sign-ins, active users and component use per day "
        "(门户访问统计), for the viewer's tenant (tenant admins).",
    )
    async def access_stats(
        self,
        info: Info,
        from_: Annotated[
            date,
            strawberry.argument(
                name="from",
                description=("First day of the period (ISO 8601 date, inclusive)."),
            ),
        ],
        to: Annotated[
            date,
            strawberry.argument(
                description=(
                    "Last day of the period (ISO 8601 date); at most 366 days after `from`."
                )
            ),
        ],
    ) -> list[AccessDay]:
        return [AccessDay.of(b) for b in await r.access_stats(info.context, from_, to)]

    @strawberry.field(description="Sign-in events of the viewer's tenant (tenant admins).")
    async def access_events(
        self,
        info: Info,
        from_: Annotated[
            date,
            strawberry.argument(name="from", description="First day (ISO 8601 date, UTC)."),
        ],
        to: Annotated[
            date,
            strawberry.argument(
                description="Last day (ISO 8601 date, UTC, inclusive); at most 366 days after "
                "`from`."
            ),
        ],
        kind: Annotated[
            m.AccessEventKind | None, strawberry.argument(description="Only events of this kind.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessEvent]:
        page = await r.access_events(
            info.context, kind=kind, start=from_, end=to, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, AccessEvent.from_model)
