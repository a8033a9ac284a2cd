"""Quiet hours (免打扰): when a message held back may go, at the edges of the hours, across
midnight and in the user's own time zone; how they are given (HH:MM)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from services.notifications.preferences import Preferences
from tests.conftest import GraphQL

SHANGHAI = "Asia/Shanghai"


def at(hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    """That time of 1 June 2026 in Shanghai (UTC+8), as UTC."""
    return datetime(2026, 6, 1, hour - 8, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "goes"),
    [
        (at(11, 59, 59, 999_999), at(11, 59, 59, 999_999)),
        (at(12), at(14)),
        (at(13, 30, 5, 250), at(14)),
        (at(14), at(14)),
        (at(15), at(15)),
    ],
)
def test_a_message_in_the_quiet_hours_goes_when_they_end(now: datetime, goes: datetime) -> None:
    quiet = Preferences({}, time(12), time(14), SHANGHAI)
    assert quiet.not_before(now) == goes


def test_quiet_hours_across_midnight_end_the_next_morning() -> None:
    night = Preferences({}, time(22), time(7), SHANGHAI)
    assert night.not_before(at(23, 15)) == datetime(2026, 6, 1, 23, tzinfo=UTC)
    assert night.not_before(at(8, 1)) == at(8, 1)
    assert Preferences({}, None, time(7), SHANGHAI).not_before(at(23)) == at(23)


async def test_quiet_hours_are_given_as_hh_mm(gql: GraphQL, make_department: Any) -> None:
    department = await make_department()
    bad = await gql.mutate(
        "setNotificationPreferences",
        {"quietStart": "25:00", "quietEnd": "07:00:30", "timeZone": "Mars/Base"},
        "preferences { timeZone } ",
        token=gql.token(department.admin, department.tenant),
    )
    assert sorted((e["field"][-1], e["message"]) for e in bad["errors"]) == [
        ("quietEnd", "Give quietEnd as HH:MM"),
        ("quietStart", "Give quietStart as HH:MM"),
        ("timeZone", "Unknown time zone 'Mars/Base'"),
    ]
