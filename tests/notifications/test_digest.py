"""The daily digest composed as a service: who gets one, which notifications it lists (old
enough, unread, newest first, at most 20), its key per local day, and once a day only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.notifications import Channel, NotificationDelivery, NotificationPreference
from server.settings import Settings
from services.notifications import digest
from tests.notifications.people import People, people

NOW = datetime(2031, 6, 1, 20, tzinfo=UTC)
"""04:00 on 2 June in Shanghai: the local date is not the UTC one."""


@pytest.fixture
async def team(database: Settings) -> People:
    return await people()


async def wants_digest(
    team: People, who: str, hours: int | None = 2, zone: str = "Asia/Shanghai"
) -> None:
    await team.department.scope.create(
        NotificationPreference,
        user_id=team.id(who),
        channels={},
        time_zone=zone,
        digest_after_hours=hours,
    )


async def digests(team: People, who: str) -> list[NotificationDelivery]:
    rows: list[NotificationDelivery] = await team.department.scope.query(
        NotificationDelivery
    ).filter(user_id=team.id(who))
    return rows


async def test_a_digest_lists_the_unread_old_enough(team: People) -> None:
    await wants_digest(team, "reachable")
    old = NOW - timedelta(hours=2)
    for n in range(22):
        await team.notification("reachable", f"第{n}条", old - timedelta(minutes=22 - n))
    await team.notification("reachable", "刚好两小时", old)
    await team.notification("reachable", "太新", old + timedelta(seconds=1))
    await team.notification("reachable", "已读", old, read_at=old)
    assert await digest.compose_due(NOW) >= 1
    (row,) = await digests(team, "reachable")
    user = team.users["reachable"]
    assert row.key == f"digest:{user.id}:2031-06-02"
    assert (row.channel, row.address, row.next_attempt_at) == (Channel.EMAIL, user.email, NOW)
    assert row.subject == "【每日摘要】您有 23 条未读消息"
    lines = row.body.split("\n")
    assert lines[0] == "· 06-02 02:00 刚好两小时", "newest first, local time"
    assert lines[1] == "· 06-02 01:59 第21条"
    assert lines[19] == "· 06-02 01:41 第3条"
    assert lines[20:] == ["…另有 3 条"]
    assert row.notification_id is None
    await digest.compose_due(NOW + timedelta(hours=19))
    assert len(await digests(team, "reachable")) == 1, "once a local day"
    await digest.compose_due(NOW + timedelta(hours=20))
    assert len(await digests(team, "reachable")) == 2, "the next local day"


async def test_exactly_twenty_are_listed_without_a_count(team: People) -> None:
    await wants_digest(team, "reachable", hours=1, zone="UTC")
    for n in range(20):
        await team.notification("reachable", f"第{n}条", NOW - timedelta(hours=1, minutes=n))
    await digest.compose_due(NOW)
    (row,) = await digests(team, "reachable")
    assert row.key.endswith(":2031-06-01")
    lines = row.body.split("\n")
    assert (len(lines), lines[0], lines[-1]) == (
        20,
        "· 06-01 18:41 第19条",
        "· 06-01 19:00 第0条",
    ), "the last written first"


async def test_who_gets_no_digest(team: People) -> None:
    old = NOW - timedelta(days=1)
    for who in ("unreachable", "disabled"):
        await wants_digest(team, who)
        await team.notification(who, "未读", old)
    await wants_digest(team, "reachable", hours=None)
    await team.notification("reachable", "未读", old)
    await digest.compose_due(NOW)
    for who in ("unreachable", "disabled", "reachable"):
        assert await digests(team, who) == [], who


async def test_nothing_unread_no_digest(team: People) -> None:
    await wants_digest(team, "reachable", hours=24 * 7)
    await team.notification("reachable", "六天前", NOW - timedelta(days=6))
    await digest.compose_due(NOW)
    assert await digests(team, "reachable") == []
