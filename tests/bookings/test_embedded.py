"""The embedded default (SQLite, one process): the demo's resources and bookings are there,
and 100 bookings of one slot sent at once over HTTP still give exactly one, the check running
under the database's write lock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.bookings.support import weekday_at
from tests.processes import env_for, run, serving

RESOURCES = "{ bookableResources(first: 10) { edges { node { id name } } } }"
BOOK = """mutation($input: BookResourceInput!) {
  bookResource(input: $input) { booking { id title } errors { code message } }
}"""


@pytest.mark.slow
async def test_no_double_booking_on_the_embedded_default(tmp_path: Path) -> None:
    env = env_for(tmp_path / "data")
    run(env, "demo")
    token = run(env, "dev-token", "--user", "li.na", "--tenant", "jxw").strip()
    async with serving(env) as base, aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {token}"}

        async def ask(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
            payload = {"query": query, "variables": variables or {}}
            async with http.post(f"{base}/graphql", json=payload, headers=headers) as response:
                assert response.status == 200
                answer: dict[str, Any] = await response.json()
                return answer

        listed = (await ask(RESOURCES))["data"]["bookableResources"]["edges"]
        rooms = {e["node"]["name"]: e["node"]["id"] for e in listed}
        assert len(rooms) == 4
        monday = weekday_at(8) - timedelta(hours=8)
        week = await ask(
            "query($f: DateTime!, $t: DateTime!) { myCalendarEvents(from: $f, to: $t) { title } }",
            {"f": monday.isoformat(), "t": (monday + timedelta(days=7)).isoformat()},
        )
        assert [e["title"] for e in week["data"]["myCalendarEvents"]] == [
            "办公室周例会 Weekly office meeting"
        ]

        tiles = await ask("{ publicAffairs { kind resourceCount myUpcomingCount } }")
        assert tiles["data"]["publicAffairs"] == [
            {"kind": "MEETING_ROOM", "resourceCount": 2, "myUpcomingCount": 1},
            {"kind": "VEHICLE", "resourceCount": 1, "myUpcomingCount": 0},
            {"kind": "EQUIPMENT", "resourceCount": 1, "myUpcomingCount": 0},
        ]
        notes = await ask("{ myNotes(first: 5) { edges { node { text pinned } } } }")
        assert notes["data"]["myNotes"]["edges"][0]["node"]["pinned"] is True
        ics = await ask("{ calendarIcs }")
        assert "RRULE:FREQ=WEEKLY;COUNT=12;BYDAY=MO" in ics["data"]["calendarIcs"]

        start = weekday_at(10) + timedelta(days=1)
        answers = await asyncio.gather(
            *(
                ask(
                    BOOK,
                    {
                        "input": {
                            "resourceId": rooms["小会议室 Small room"],
                            "title": f"会议 {n}",
                            "startsAt": (start + timedelta(minutes=n % 20)).isoformat(),
                            "endsAt": (start + timedelta(minutes=30)).isoformat(),
                        }
                    },
                )
                for n in range(100)
            )
        )
    results = [a["data"]["bookResource"] for a in answers]
    won = [r["booking"] for r in results if r["booking"]]
    assert len(won) == 1
    lost = [r["errors"] for r in results if not r["booking"]]
    assert all([e["code"] for e in errors] == ["CONFLICT"] for errors in lost)
    assert all(won[0]["id"] in errors[0]["message"] for errors in lost)
