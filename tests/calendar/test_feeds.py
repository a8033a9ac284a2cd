"""iCalendar export and subscription: the output parses with `icalendar`, carries the RRULE,
the organiser and the attendees with their answers; a feed URL works without a bearer token
until it is revoked."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from models.audit import AuditEntry
from models.calendar import CalendarFeed
from server.settings import Settings
from services.calendar.ical import PRODID
from tests.calendar.support import monday, office
from tests.conftest import GraphQL, gid, key_of


async def test_export_and_a_revocable_subscription_url(
    database: Settings, gql: GraphQL, server: TestServer, http: ClientSession
) -> None:
    desk = await office(gql)
    start = monday()
    made = await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "党组会 Party group meeting",
            "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=2)).isoformat(),
            "location": "一号会议室",
            "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=8",
            "remindMinutes": 30,
            "attendeeIds": [gid("User", desk.secretary.id)],
        },
        "event { id }",
    )
    await desk.mutate(
        "secretary",
        "respondToInvitation",
        {"id": made["event"]["id"], "response": "TENTATIVE"},
        "event { id }",
    )

    exported = (await desk.as_("leader", "{ calendarIcs }")).data["calendarIcs"]
    calendar = icalendar.Calendar.from_ical(exported)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "党组会 Party group meeting"
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=8;BYDAY=MO"
    assert event.decoded("DTSTART") == start
    assert str(event["ORGANIZER"]) == "mailto:leader@example.gov.cn"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:secretary@example.gov.cn"
    assert attendee.params["PARTSTAT"] == "TENTATIVE"
    assert event.walk("VALARM")[0].decoded("TRIGGER") == timedelta(minutes=-30)

    assert (str(calendar["PRODID"]), str(calendar["VERSION"])) == (PRODID, "2.0")
    assert str(calendar["X-WR-CALNAME"]) == "leader 日程"
    invited_view = icalendar.Calendar.from_ical(
        (await desk.as_("secretary", "{ calendarIcs }")).data["calendarIcs"]
    )
    assert [str(e["UID"]) for e in invited_view.walk("VEVENT")] == [str(event["UID"])]

    feed = await desk.mutate(
        "leader", "createCalendarFeed", {"name": "Outlook"}, "url feed { id name }"
    )
    assert feed["errors"] == []
    url = feed["url"]
    assert url.startswith(str(server.make_url("/calendar/feeds/")))
    async with http.get(url) as response:
        assert response.status == 200
        assert response.content_type == "text/calendar"
        body = await response.read()
    subscribed = icalendar.Calendar.from_ical(body)
    assert [str(e["UID"]) for e in subscribed.walk("VEVENT")] == [str(event["UID"])]
    stored = await desk.department.scope.query(CalendarFeed).get()
    assert stored.last_used_at is not None
    assert url.rsplit("/", 1)[1].removesuffix(".ics") not in stored.token_hash

    listed = (await desk.as_("leader", "{ calendarFeeds { id name } }")).data["calendarFeeds"]
    assert [f["name"] for f in listed] == ["Outlook"]
    other = await desk.mutate(
        "colleague", "revokeCalendarFeed", {"id": listed[0]["id"]}, "feed { id }"
    )
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    revoked = await desk.mutate(
        "leader", "revokeCalendarFeed", {"id": listed[0]["id"]}, "feed { id }"
    )
    assert revoked["errors"] == []
    async with http.get(url) as response:
        assert response.status == 404
    async with http.get(str(server.make_url("/calendar/feeds/guessed.ics"))) as response:
        assert response.status == 404
    assert (await desk.as_("leader", "{ calendarFeeds { id } }")).data["calendarFeeds"] == []


async def test_an_all_day_event_is_exported_on_its_local_dates(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    local_midnight = monday() - timedelta(hours=9)  # 00:00 in Shanghai, the day before in UTC
    await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "年休假 Leave",
            "startsAt": local_midnight.isoformat(),
            "endsAt": (local_midnight + timedelta(days=2)).isoformat(),
            "allDay": True,
        },
        "event { id }",
    )
    exported = (await desk.as_("leader", "{ calendarIcs }")).data["calendarIcs"]
    (event,) = icalendar.Calendar.from_ical(exported).walk("VEVENT")
    assert event.decoded("DTSTART") == monday().date()
    assert event.decoded("DTEND") == monday().date() + timedelta(days=2)


async def test_a_feeds_name_its_audit_entry_and_a_feed_revoked_twice(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    long = await desk.mutate("leader", "createCalendarFeed", {"name": "长" * 101}, "feed { id }")
    assert [(e["code"], e["message"], e["field"]) for e in long["errors"]] == [
        ("TOO_LONG", "name is longer than 100 characters", ["input", "name"])
    ]
    made = await desk.mutate("leader", "createCalendarFeed", {"name": " 手机 "}, "feed { id name }")
    assert made["feed"]["name"] == "手机"
    (entry,) = await AuditEntry.filter(
        tenant_id=desk.department.tenant.id, action="calendar.feed_created"
    )
    assert (entry.target_type, entry.target_id, entry.data) == (
        "CalendarFeed",
        str(key_of(made["feed"]["id"])),
        {"name": "手机"},
    )
    revoke = {"id": made["feed"]["id"]}
    assert (await desk.mutate("leader", "revokeCalendarFeed", revoke, "feed { id }"))[
        "errors"
    ] == []
    again = await desk.mutate("leader", "revokeCalendarFeed", revoke, "feed { id }")
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("NOT_FOUND", ["input", "id"])]
