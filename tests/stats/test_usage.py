"""服务使用统计: the usage of each service, counted from the audit log, on PostgreSQL and on
the embedded SQLite alike (the same statement)."""

from __future__ import annotations

from datetime import timedelta

from tortoise import connections

from server.settings import Settings
from tests.bookings.support import BOOKING, resource, slot, weekday_at
from tests.calendar.support import office
from tests.conftest import GraphQL

USAGE = "{ statistics { serviceUsage { service actions users } } }"


async def test_usage_of_each_service_counts_actions_and_people(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    start = weekday_at(9)
    for who in ("leader", "secretary"):
        await desk.mutate(who, "createNote", {"text": f"{who}'s"}, "note { id }")
    await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "会",
            "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=1)).isoformat(),
        },
        "event { id }",
    )
    room = await resource(desk)
    await desk.mutate("colleague", "bookResource", slot(room, start), BOOKING)

    usage = (await desk.as_("admin", USAGE)).data["statistics"]["serviceUsage"]
    found = {u["service"]: (u["actions"], u["users"]) for u in usage}
    assert found["calendar"] == (3, 2)
    assert found["bookings"] == (2, 2), "the admin added the room, the colleague booked it"
    assert found["directory"][0] >= 3, "the admin created the three people"
    assert "note" not in found
    assert [u["actions"] for u in usage] == sorted((u["actions"] for u in usage), reverse=True)
    refused = await desk.as_("leader", USAGE)
    assert refused.errors
    assert connections.get("default").capabilities.dialect == "postgres"
