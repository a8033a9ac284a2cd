"""A department with bookable resources, for the public affairs tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.calendar.support import Office, office
from tests.conftest import GraphQL

BOOKING = "booking { id title status startsAt endsAt version eventId resource { name } }"
ROOM = {
    "kind": "MEETING_ROOM",
    "name": "第一会议室 Room 1",
    "location": "三楼",
    "capacity": 12,
    "attributes": {"projector": True},
    "openingHours": [{"start": "08:00", "end": "12:00"}, {"start": "13:30", "end": "18:00"}],
    "openWeekdays": [0, 1, 2, 3, 4],
}


def weekday_at(hour: int, minute: int = 0, days_ahead: int = 7) -> datetime:
    """A time Shanghai-local on the Monday at least `days_ahead` days from now."""
    day = datetime.now(UTC) + timedelta(days=days_ahead)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return day.replace(hour=hour - 8, minute=minute, second=0, microsecond=0)


async def resource(desk: Office, **changes: Any) -> str:
    made = await desk.mutate(
        "admin", "createBookableResource", {**ROOM, **changes}, "resource { id }"
    )
    assert made["errors"] == []
    found: str = made["resource"]["id"]
    return found


async def bookings_office(gql: GraphQL) -> tuple[Office, str]:
    desk = await office(gql)
    return desk, await resource(desk)


def slot(
    resource_id: str, start: datetime, hours: float = 1, title: str = "会议"
) -> dict[str, Any]:
    return {
        "resourceId": resource_id,
        "title": title,
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=hours)).isoformat(),
    }
