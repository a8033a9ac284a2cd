"""The calendar through GraphQL: events, meeting invitations and answers, recurring series
expanded in a range, shares (授权) with view and edit, and bad input that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.calendar import CalendarAttendee, CalendarEvent
from server.settings import Settings
from tests.calendar.support import EVENT, Office, monday, office
from tests.conftest import GraphQL, gid

RANGE = """query($from: DateTime!, $to: DateTime!, $owner: ID) {
  myCalendarEvents(from: $from, to: $to, ownerId: $owner) {
    id title startsAt endsAt location recurring myResponse
  }
}"""


@pytest.fixture(scope="class")
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


def span(weeks: int = 6) -> dict[str, str]:
    start = monday() - timedelta(days=1)
    return {"from": start.isoformat(), "to": (start + timedelta(weeks=weeks)).isoformat()}


@pytest.mark.steps
class TestAWeeklyMeetingWithInvitations:
    async def test_the_leader_creates_a_weekly_meeting_inviting_two(self, desk: Office) -> None:
        start = monday()
        made = await desk.mutate(
            "leader",
            "createCalendarEvent",
            {
                "title": "周例会 Weekly meeting",
                "startsAt": start.isoformat(),
                "endsAt": (start + timedelta(hours=1)).isoformat(),
                "location": "三楼会议室",
                "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4",
                "remindMinutes": 15,
                "attendeeIds": [gid("User", desk.secretary.id), gid("User", desk.colleague.id)],
            },
            EVENT,
        )
        assert made["errors"] == []
        assert [a["response"] for a in made["event"]["attendees"]] == ["NEEDS_ACTION"] * 2
        desk.kept["series"] = made["event"]
        invited = await desk.topics("calendar.invited")
        assert len(invited) == 1
        assert set(invited[0][1]["userIds"]) == {
            gid("User", desk.secretary.id),
            gid("User", desk.colleague.id),
        }
        for who in ("secretary", "colleague"):
            (note,) = await desk.inbox(who)
            assert note["kind"] == "MEETING_INVITED"
            assert note["text"].startswith("邀请您参加会议「周例会 Weekly meeting」：")
            assert note["text"].endswith("09:00，地点：三楼会议室")
            assert note["link"] == made["event"]["id"]
        assert await desk.inbox("leader") == [], "the organiser is not told of her own invitation"

    async def test_the_series_is_expanded_in_the_range_asked(self, desk: Office) -> None:
        seen = (await desk.as_("leader", RANGE, span(6))).data["myCalendarEvents"]
        assert len(seen) == 4, "COUNT=4 ends the series inside six weeks"
        starts = [o["startsAt"] for o in seen]
        assert starts == sorted(starts)
        assert all(o["recurring"] and o["myResponse"] is None for o in seen)
        two = (await desk.as_("leader", RANGE, span(2))).data["myCalendarEvents"]
        assert len(two) == 2

    async def test_invitees_see_it_with_their_answer(self, desk: Office) -> None:
        answered = await desk.mutate(
            "colleague",
            "respondToInvitation",
            {"id": desk.kept["series"]["id"], "response": "ACCEPTED"},
            "event { id }",
        )
        assert answered["errors"] == []
        mine = (await desk.as_("colleague", RANGE, span())).data["myCalendarEvents"]
        assert {o["myResponse"] for o in mine} == {"ACCEPTED"}
        responded = await desk.topics("calendar.responded")
        assert responded[-1][1]["userIds"] == [gid("User", desk.leader.id)]
        (answer,) = await desk.inbox("leader")
        assert answer == {
            "kind": "MEETING_RESPONDED",
            "text": "colleague接受了会议「周例会 Weekly meeting」的邀请",
            "link": desk.kept["series"]["id"],
        }
        assert [n["kind"] for n in await desk.inbox("colleague")] == ["MEETING_INVITED"]

    async def test_a_declined_invitation_leaves_the_calendar(self, desk: Office) -> None:
        await desk.mutate(
            "secretary",
            "respondToInvitation",
            {"id": desk.kept["series"]["id"], "response": "DECLINED"},
            "event { id }",
        )
        assert (await desk.as_("secretary", RANGE, span())).data["myCalendarEvents"] == []

    async def test_others_cannot_answer_or_read_it(self, desk: Office) -> None:
        admin = await desk.mutate(
            "admin",
            "respondToInvitation",
            {"id": desk.kept["series"]["id"], "response": "ACCEPTED"},
            "event { id }",
        )
        assert [e["code"] for e in admin["errors"]] == ["NOT_FOUND"]
        node = await desk.as_(
            "admin", "query($id: ID!) { node(id: $id) { id } }", {"id": desk.kept["series"]["id"]}
        )
        assert node.data["node"] is None

    async def test_a_new_time_asks_everyone_again(self, desk: Office) -> None:
        moved = monday() + timedelta(hours=2)
        changed = await desk.mutate(
            "leader",
            "updateCalendarEvent",
            {
                "id": desk.kept["series"]["id"],
                "startsAt": moved.isoformat(),
                "endsAt": (moved + timedelta(hours=1)).isoformat(),
                "expectedVersion": 1,
            },
            EVENT,
        )
        assert changed["errors"] == []
        assert changed["event"]["version"] == 2
        assert {a["response"] for a in changed["event"]["attendees"]} == {"NEEDS_ACTION"}
        stale = await desk.mutate(
            "leader",
            "updateCalendarEvent",
            {"id": desk.kept["series"]["id"], "title": "x", "expectedVersion": 1},
            EVENT,
        )
        assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]

    async def test_cancelling_removes_it_from_every_calendar(self, desk: Office) -> None:
        cancelled = await desk.mutate(
            "leader", "cancelCalendarEvent", {"id": desk.kept["series"]["id"]}, EVENT
        )
        assert cancelled["event"]["status"] == "CANCELLED"
        for who in ("leader", "colleague"):
            assert (await desk.as_(who, RANGE, span())).data["myCalendarEvents"] == []
        actions = [p["action"] for _, p in await desk.topics("calendar.event_changed")]
        assert actions == ["created", "updated", "cancelled"]


async def test_bad_input_is_refused_field_by_field_and_changes_nothing(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    start = monday()
    before = await desk.department.scope.query(CalendarEvent).count()
    audit = await desk.department.scope.query(AuditEntry).count()
    refused = await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": " ",
            "startsAt": start.isoformat(),
            "endsAt": (start - timedelta(hours=1)).isoformat(),
            "rrule": "FREQ=SECONDLY",
            "remindMinutes": -5,
            "timezone": "Mars/Olympus",
            "attendeeIds": [
                gid("User", desk.department.admin.id),
                gid("User", "00000000-0000-0000-0000-000000000001"),
            ],
        },
        "event { id }",
    )
    assert refused["event"] is None
    fields = {tuple(e["field"]): e["code"] for e in refused["errors"]}
    assert fields == {
        ("input", "title"): "REQUIRED",
        ("input", "timezone"): "INVALID",
        ("input", "attendeeIds", "1"): "NOT_FOUND",
    }
    again = await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "x",
            "startsAt": start.isoformat(),
            "endsAt": (start - timedelta(hours=1)).isoformat(),
            "rrule": "FREQ=SECONDLY",
            "remindMinutes": -5,
        },
        "event { id }",
    )
    assert {tuple(e["field"]): e["code"] for e in again["errors"]} == {
        ("input", "endsAt"): "INVALID",
        ("input", "rrule"): "INVALID",
        ("input", "remindMinutes"): "INVALID",
    }
    assert await desk.department.scope.query(CalendarEvent).count() == before
    assert await desk.department.scope.query(AuditEntry).count() == audit
    too_long = await desk.as_(
        "leader",
        RANGE,
        {"from": start.isoformat(), "to": (start + timedelta(days=401)).isoformat()},
    )
    assert too_long.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_shared_calendar_is_read_by_the_secretary_and_edited_only_when_allowed(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    start = monday()
    leader = gid("User", desk.leader.id)
    event = {
        "title": "市局调研 Inspection",
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=3)).isoformat(),
    }
    await desk.mutate("leader", "createCalendarEvent", event, "event { id }")
    closed = await desk.as_("secretary", RANGE, {**span(), "owner": leader})
    assert closed.errors
    assert closed.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"

    shared = await desk.mutate(
        "leader",
        "shareCalendar",
        {"delegateId": gid("User", desk.secretary.id)},
        "share { id canEdit }",
    )
    assert shared["errors"] == []
    assert shared["share"]["canEdit"] is False
    seen = (await desk.as_("secretary", RANGE, {**span(), "owner": leader})).data[
        "myCalendarEvents"
    ]
    assert [o["title"] for o in seen] == ["市局调研 Inspection"]
    refused = await desk.mutate(
        "secretary", "createCalendarEvent", {**event, "ownerId": leader}, "event { id }"
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    outsider = await desk.mutate(
        "colleague", "createCalendarEvent", {**event, "ownerId": leader}, "event { id }"
    )
    assert [e["code"] for e in outsider["errors"]] == ["NOT_FOUND"]

    await desk.mutate(
        "leader",
        "shareCalendar",
        {"delegateId": gid("User", desk.secretary.id), "canEdit": True},
        "share { id }",
    )
    added = await desk.mutate(
        "secretary",
        "createCalendarEvent",
        {**event, "title": "接待 Visit", "ownerId": leader},
        EVENT,
    )
    assert added["errors"] == []
    titles = [
        o["title"] for o in (await desk.as_("leader", RANGE, span())).data["myCalendarEvents"]
    ]
    assert sorted(titles) == ["市局调研 Inspection", "接待 Visit"]
    assert (await desk.as_("secretary", RANGE, span())).data["myCalendarEvents"] == []

    shares = (
        await desk.as_("secretary", "{ calendarShares { id canEdit owner { username } } }")
    ).data
    withdrawn = await desk.mutate(
        "leader", "unshareCalendar", {"id": shares["calendarShares"][0]["id"]}, "share { id }"
    )
    assert withdrawn["errors"] == []
    again = await desk.as_("secretary", RANGE, {**span(), "owner": leader})
    assert again.errors
    granted = [p["action"] for _, p in await desk.topics("calendar.shared")]
    assert granted == ["granted", "changed", "revoked"]


async def test_the_range_read_costs_the_same_however_many_events(
    database: Settings, gql: GraphQL, count_queries
) -> None:
    desk = await office(gql)
    start = monday()

    async def cost() -> tuple[int, int]:
        with count_queries() as counted:
            seen = await desk.as_("leader", RANGE, span())
        return counted(), len(seen.data["myCalendarEvents"])

    await cost()
    for n in range(3):
        at = start + timedelta(days=n)
        await desk.mutate(
            "leader",
            "createCalendarEvent",
            {
                "title": f"e{n}",
                "startsAt": at.isoformat(),
                "endsAt": (at + timedelta(hours=1)).isoformat(),
                "rrule": "FREQ=DAILY;COUNT=3",
            },
            "event { id }",
        )
    few_queries, _ = await cost()
    await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "more",
            "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=1)).isoformat(),
        },
        "event { id }",
    )
    many_queries, many = await cost()
    assert many == 10
    assert many_queries == few_queries
    assert await desk.department.scope.query(CalendarAttendee).count() == 0
