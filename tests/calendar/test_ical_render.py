"""The iCalendar a user's events render to, property by property, through the service; which
events a feed reaches (180 days back); and when a feed's token opens nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from models.calendar import CalendarEvent, CalendarFeed
from models.directory import User, UserStatus
from models.tenants import Tenant, TenantStatus
from server.settings import Settings
from services.calendar import events, ical
from tests.calendar.support import Office, monday, office, refused
from tests.conftest import GraphQL, gid

START = monday()
HOUR = timedelta(hours=1)


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def rendered(desk: Office, who: str, now: datetime) -> list[icalendar.Event]:
    body = await ical.render(desk.department.scope, desk.user(who).id, now)
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


async def test_every_property_of_an_event(desk: Office) -> None:
    leader = await desk.actor("leader")
    event = await events.create_event(
        leader,
        title="评审会",
        starts_at=START,
        ends_at=START + HOUR,
        description="议程见附件",
        remind_minutes=20,
        attendee_ids=[desk.colleague.id],
    )
    await events.update_event(leader, id=event.id, location="二楼")
    now = (START - timedelta(days=1)).replace(hour=3)
    (item,) = await rendered(desk, "leader", now)
    assert str(item["UID"]) == f"{event.id}@officecloud"
    assert item.decoded("DTSTAMP") == now
    assert item.decoded("SEQUENCE") == 1
    assert (str(item["LOCATION"]), str(item["DESCRIPTION"])) == ("二楼", "议程见附件")
    assert (item.decoded("DTSTART"), item.decoded("DTEND")) == (START, START + HOUR)
    assert str(item["STATUS"]) == "CONFIRMED"
    assert "RRULE" not in item
    organiser = item["ORGANIZER"]
    assert (str(organiser), organiser.params["CN"]) == ("mailto:leader@example.gov.cn", "leader")
    attendee = item["ATTENDEE"]
    assert str(attendee) == f"urn:uuid:{desk.colleague.id}", "no e-mail address: her id"
    assert dict(attendee.params) == {
        "CN": "colleague",
        "PARTSTAT": "NEEDS-ACTION",
        "ROLE": "REQ-PARTICIPANT",
    }
    (alarm,) = item.walk("VALARM")
    assert (str(alarm["ACTION"]), str(alarm["DESCRIPTION"])) == ("DISPLAY", "评审会")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=20)

    await events.cancel_event(leader, id=event.id)
    (item,) = await rendered(desk, "colleague", now)
    assert (str(item["STATUS"]), item.decoded("SEQUENCE")) == ("CANCELLED", 2)
    assert "LOCATION" in item
    bare = await events.create_event(leader, title="x", starts_at=START, ends_at=START + HOUR)
    item = [
        e for e in await rendered(desk, "leader", now) if str(e["UID"]).startswith(str(bare.id))
    ]
    assert [k for k in ("LOCATION", "DESCRIPTION", "VALARM", "ATTENDEE") if k in item[0]] == []
    assert item[0].walk("VALARM") == []


async def test_a_feed_reaches_back_180_days_in_start_order(desk: Office) -> None:
    leader = await desk.actor("leader")
    scope = desk.department.scope
    made = {}
    for title, days in (("later", 3), ("sooner", 1), ("old", -200), ("series", -400)):
        at = START + timedelta(days=days)
        rule = "FREQ=DAILY" if title == "series" else None
        made[title] = await events.create_event(
            leader, title=title, starts_at=at, ends_at=at + HOUR, rrule=rule
        )
    now = START
    seen = [str(e["SUMMARY"]) for e in await rendered(desk, "leader", now)]
    assert seen == ["series", "sooner", "later"]
    edge = START - timedelta(days=200) + HOUR + timedelta(days=180)
    assert str((await rendered(desk, "leader", edge))[0]["SUMMARY"]) == "series"
    assert "old" in [str(e["SUMMARY"]) for e in await rendered(desk, "leader", edge - HOUR)]
    assert "old" not in [str(e["SUMMARY"]) for e in await rendered(desk, "leader", edge)]
    assert await scope.query(CalendarEvent).count() == 4
    calendar = icalendar.Calendar.from_ical(await ical.render(scope, desk.colleague.id, now))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "colleague 日程"


async def test_a_feed_is_created_revoked_and_opens_only_while_all_is_active(desk: Office) -> None:
    leader = await desk.actor("leader")
    at = datetime(2031, 5, 5, tzinfo=UTC)
    feed, token = await ical.create_feed(leader)
    stored = await desk.department.scope.query(CalendarFeed).get(id=feed.id)
    assert (stored.name, stored.user_id, stored.last_used_at) == ("", desk.leader.id, None)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43
    body = await ical.feed_body(token, at)
    assert body is not None
    assert b"X-WR-CALNAME:leader" in body
    assert (await desk.department.scope.query(CalendarFeed).get(id=feed.id)).last_used_at == at
    assert await ical.feed_body(token + "x", at) is None

    await User.filter(id=desk.leader.id).update(status=UserStatus.DISABLED)
    assert await ical.feed_body(token, at + HOUR) is None
    await User.filter(id=desk.leader.id).update(status=UserStatus.ACTIVE)
    tenant = desk.department.tenant.id
    await Tenant.filter(id=tenant).update(status=TenantStatus.SUSPENDED)
    assert await ical.feed_body(token, at + HOUR) is None
    await Tenant.filter(id=tenant).update(status=TenantStatus.ACTIVE)
    assert (await desk.department.scope.query(CalendarFeed).get(id=feed.id)).last_used_at == at
    assert await ical.feed_body(token) is not None
    used = (await desk.department.scope.query(CalendarFeed).get(id=feed.id)).last_used_at
    assert used is not None
    assert used > datetime.now(UTC) - timedelta(minutes=5)

    named, _ = await ical.create_feed(leader, name="n" * 100)
    assert named.name == "n" * 100
    assert await refused(ical.create_feed(leader, name="n" * 101)) == [
        ("TOO_LONG", "name is longer than 100 characters", ("name",))
    ]
    gone = [("NOT_FOUND", "Feed not found", ("id",))]
    assert await refused(ical.revoke_feed(await desk.actor("colleague"), id=feed.id)) == gone
    assert await refused(ical.revoke_feed(leader, id=str(feed.id))) == gone
    revoked = await ical.revoke_feed(leader, id=feed.id)
    assert revoked.revoked_at is not None
    assert await ical.feed_body(token, at) is None
    assert await desk.audit("calendar.feed") == [
        ("calendar.feed_created", "CalendarFeed", str(feed.id), desk.leader.id, {"name": ""}),
        (
            "calendar.feed_created",
            "CalendarFeed",
            str(named.id),
            desk.leader.id,
            {"name": "n" * 100},
        ),
        (
            "calendar.feed_revoked",
            "CalendarFeed",
            str(feed.id),
            desk.leader.id,
            {"id": gid("CalendarFeed", feed.id)},
        ),
    ]
