"""The calendar query."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from resolvers import workdays as r
from schema.types import Info
from schema.workdays.types import WorkCalendar


@strawberry.type
class WorkdayQuery:
    @strawberry.field(
        description="工作日历 of the viewer's tenant from `from` to `to` (at most 400 days): "
        "every day, or with `onlySet` only those the platform or the tenant sets."
    )
    async def work_calendar(
        self,
        info: Info,
        since: Annotated[date, strawberry.argument(name="from")],
        until: Annotated[date, strawberry.argument(name="to")],
        only_set: bool = False,
    ) -> WorkCalendar:
        try:
            view = await r.calendar(info.context, since, until, only_set)
        except ValueError as error:
            raise GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"}) from None
        return WorkCalendar.of(view)
