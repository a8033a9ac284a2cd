"""The calendar query."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from i18n import text_of
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
        since: Annotated[
            date,
            strawberry.argument(name="from", description="First day (ISO 8601 date, inclusive)."),
        ],
        until: Annotated[
            date,
            strawberry.argument(
                name="to",
                description=(
                    "Last day (ISO 8601 date, inclusive); fewer than 400 days after `from`."
                ),
            ),
        ],
        only_set: Annotated[
            bool,
            strawberry.argument(
                description=(
                    "Only days set explicitly (holidays, 调休 workdays), not ordinary "
                    "weekdays and weekends."
                )
            ),
        ] = False,
    ) -> WorkCalendar:
        try:
            view = await r.calendar(info.context, since, until, only_set)
        except ValueError as error:
            raise GraphQLError(text_of(error), extensions={"code": "BAD_USER_INPUT"}) from None
        return WorkCalendar.of(view)
