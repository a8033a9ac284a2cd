"""`myCalendarChanged`: each user gets live the calendar events naming her (an invitation, an
answer to hers), and nothing of others'."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from server.settings import Settings
from tests.calendar.support import monday, office
from tests.conftest import GraphQL, gid, ws_url
from tests.events.support import position
from tests.ws_client import Socket

MINE = "subscription($after: ID) { myCalendarChanged(after: $after) { topic payload } }"


async def test_invitations_and_answers_reach_the_people_they_name(
    database: Settings, gql: GraphQL, server: TestServer, http: ClientSession
) -> None:
    desk = await office(gql)
    after = await position(desk.department)
    url = ws_url(server)
    async with (
        Socket.connect(http, url, desk.tokens["leader"]) as leader,
        Socket.connect(http, url, desk.tokens["secretary"]) as secretary,
        Socket.connect(http, url, desk.tokens["colleague"]) as colleague,
    ):
        ops = [await s.subscribe(MINE, after) for s in (leader, secretary, colleague)]
        start = monday()
        made = await desk.mutate(
            "leader",
            "createCalendarEvent",
            {
                "title": "碰头会",
                "startsAt": start.isoformat(),
                "endsAt": (start + timedelta(minutes=30)).isoformat(),
                "attendeeIds": [gid("User", desk.secretary.id)],
            },
            "event { id }",
        )
        await desk.mutate(
            "secretary",
            "respondToInvitation",
            {"id": made["event"]["id"], "response": "ACCEPTED"},
            "event { id }",
        )
        got = await secretary.events(ops[1], 2)
        assert [e["topic"] for e in got] == ["calendar.invited", "calendar.event_changed"]
        seen = await leader.events(ops[0], 2)
        assert [e["topic"] for e in seen] == ["calendar.event_changed", "calendar.responded"]
        assert seen[1]["payload"]["response"] == "accepted"
        assert colleague.received[ops[2]] == []
