"""What each change of an event leaves through the service: the audit entry (action, target,
actor, data), the `calendar.*` events naming the people concerned, the notifications' words,
the invitees' answers kept or asked again, and the reminder rescheduled."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from models.calendar import (
    CalendarAttendee,
    CalendarEvent,
    CalendarReminder,
    EventStatus,
    Response,
)
from server.settings import Settings
from services.calendar import events, shares
from tests.calendar.support import Office, monday, office, refused
from tests.conftest import GraphQL, gid

START = monday()
HOUR = timedelta(hours=1)


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def answers(desk: Office, event: CalendarEvent) -> dict[uuid.UUID, Response]:
    rows = await desk.department.scope.query(CalendarAttendee).filter(event_id=event.id)
    return {r.user_id: r.response for r in rows}


async def test_a_meeting_created_by_a_secretary_in_her_leaders_calendar(desk: Office) -> None:
    await shares.share_calendar(
        await desk.actor("leader"), delegate_id=desk.secretary.id, can_edit=True
    )
    event = await events.create_event(
        await desk.actor("secretary"),
        owner_id=desk.leader.id,
        title="专题会",
        starts_at=START,
        ends_at=START + HOUR,
        location="三楼",
        attendee_ids=[desk.colleague.id, desk.secretary.id],
    )
    assert event.owner_id == desk.leader.id
    assert await desk.audit("calendar.event") == [
        (
            "calendar.event_created",
            "CalendarEvent",
            str(event.id),
            desk.secretary.id,
            {"title": "专题会", "owner": str(desk.leader.id)},
        )
    ]
    event_id = gid("CalendarEvent", event.id)
    everyone = [gid("User", u.id) for u in (desk.leader, desk.colleague, desk.secretary)]
    assert await desk.topics("calendar.") == [
        (
            "calendar.shared",
            (await desk.topics("calendar.shared"))[0][1],
        ),
        (
            "calendar.invited",
            {
                "eventId": event_id,
                "title": "专题会",
                "startsAt": START.isoformat(),
                "organiserId": gid("User", desk.leader.id),
                "userIds": everyone[1:],
            },
        ),
        (
            "calendar.event_changed",
            {"eventId": event_id, "action": "created", "userIds": everyone},
        ),
    ]
    text = "邀请您参加会议「专题会」：" + f"{START + timedelta(hours=8):%m月%d日} 09:00，地点：三楼"
    assert await desk.inbox("colleague") == [
        {"kind": "MEETING_INVITED", "text": text, "link": event_id}
    ]
    assert await desk.inbox("secretary") == [], "she is not told what she did"
    assert await desk.inbox("leader") == []


async def test_an_update_invites_the_new_drops_the_old_and_asks_again_on_a_move(
    desk: Office,
) -> None:
    leader, colleague = await desk.actor("leader"), await desk.actor("colleague")
    event = await events.create_event(
        leader,
        title="例会",
        starts_at=START,
        ends_at=START + HOUR,
        remind_minutes=10,
        attendee_ids=[desk.colleague.id],
    )
    await events.respond(colleague, id=event.id, response=Response.DECLINED)
    renamed = await events.update_event(
        leader, id=event.id, title="周例会", attendee_ids=[desk.colleague.id, desk.secretary.id]
    )
    assert renamed.version == 2
    assert await answers(desk, event) == {
        desk.colleague.id: Response.DECLINED,
        desk.secretary.id: Response.NEEDS_ACTION,
    }, "a new title keeps the answers"
    (invited,) = [p for t, p in await desk.topics("calendar.invited")][1:]
    assert invited["userIds"] == [gid("User", desk.secretary.id)]
    assert invited["title"] == "周例会"
    (note,) = await desk.inbox("secretary")
    assert note["text"] == f"邀请您参加会议「周例会」：{START + timedelta(hours=8):%m月%d日} 09:00"

    changed = [p for _, p in await desk.topics("calendar.event_changed")]
    assert changed[-1] == {
        "eventId": gid("CalendarEvent", event.id),
        "action": "updated",
        "userIds": [gid("User", u.id) for u in (desk.leader, desk.colleague, desk.secretary)],
    }, "a change is told to those who declined too"
    assert (await desk.audit("calendar.event_updated"))[-1] == (
        "calendar.event_updated",
        "CalendarEvent",
        str(event.id),
        desk.leader.id,
        {"title": "周例会"},
    )

    await events.update_event(leader, id=event.id, remind_minutes=30)
    assert await answers(desk, event) == {
        desk.colleague.id: Response.DECLINED,
        desk.secretary.id: Response.NEEDS_ACTION,
    }
    (reminder,) = await desk.department.scope.query(CalendarReminder).filter(event_id=event.id)
    assert (reminder.occurrence_at, reminder.due_at) == (START, START - timedelta(minutes=30))

    later = START + 2 * HOUR
    await events.update_event(
        leader, id=event.id, starts_at=later, ends_at=later + HOUR, attendee_ids=[desk.colleague.id]
    )
    assert await answers(desk, event) == {desk.colleague.id: Response.NEEDS_ACTION}
    row = await desk.department.scope.query(CalendarAttendee).get(event_id=event.id)
    assert row.responded_at is None
    (reminder,) = await desk.department.scope.query(CalendarReminder).filter(event_id=event.id)
    assert reminder.occurrence_at == later
    assert (await desk.audit("calendar.event_updated"))[-1][4] == {
        "starts_at": str(later),
        "ends_at": str(later + HOUR),
    }
    assert len(await desk.topics("calendar.invited")) == 2, "no one new was invited"


async def test_a_cancelled_event_is_told_and_refuses_more(desk: Office) -> None:
    leader, colleague = await desk.actor("leader"), await desk.actor("colleague")
    event = await events.create_event(
        leader,
        title="碰头会",
        starts_at=START,
        ends_at=START + HOUR,
        remind_minutes=5,
        attendee_ids=[desk.colleague.id],
    )
    cancelled = await events.cancel_event(leader, id=event.id)
    row = await desk.department.scope.query(CalendarEvent).get(id=event.id)
    assert (cancelled.version, row.version, row.status) == (2, 2, EventStatus.CANCELLED)
    assert not await desk.department.scope.query(CalendarReminder).exists()
    assert (await desk.audit("calendar.event"))[-1] == (
        "calendar.event_cancelled",
        "CalendarEvent",
        str(event.id),
        desk.leader.id,
        {"title": "碰头会"},
    )
    assert (await desk.topics("calendar.event_changed"))[-1][1]["action"] == "cancelled"
    assert await refused(events.cancel_event(leader, id=event.id)) == [
        ("INVALID_STATE", "The event is already cancelled", ("id",))
    ]
    was_cancelled = [("INVALID_STATE", "The event was cancelled", ("id",))]
    assert await refused(events.update_event(leader, id=event.id, title="x")) == was_cancelled
    assert (
        await refused(events.respond(colleague, id=event.id, response=Response.ACCEPTED))
        == was_cancelled
    )
    assert await refused(
        events.update_event(leader, id=event.id, title="x", expected_version=1)
    ) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 2, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    assert (await desk.department.scope.query(CalendarEvent).get(id=event.id)).title == "碰头会"


@pytest.mark.parametrize(
    ("response", "words"),
    [
        (Response.DECLINED, "谢绝了"),
        (Response.TENTATIVE, "暂定参加"),
        (Response.ACCEPTED, "接受了"),
    ],
)
async def test_an_answer_is_kept_audited_and_told_to_the_organiser(
    desk: Office, response: Response, words: str
) -> None:
    leader, colleague = await desk.actor("leader"), await desk.actor("colleague")
    event = await events.create_event(
        leader,
        title="评审会",
        starts_at=START,
        ends_at=START + HOUR,
        attendee_ids=[desk.colleague.id],
    )
    answered = await events.respond(colleague, id=event.id, response=response)
    assert answered.id == event.id
    row = await desk.department.scope.query(CalendarAttendee).get(event_id=event.id)
    assert row.response is response
    assert row.responded_at is not None
    assert (await desk.audit("calendar.responded")) == [
        (
            "calendar.responded",
            "CalendarEvent",
            str(event.id),
            desk.colleague.id,
            {"response": response.value},
        )
    ]
    assert (await desk.topics("calendar.responded")) == [
        (
            "calendar.responded",
            {
                "eventId": gid("CalendarEvent", event.id),
                "userId": gid("User", desk.colleague.id),
                "response": response.value,
                "userIds": [gid("User", desk.leader.id)],
            },
        )
    ]
    assert await desk.inbox("leader") == [
        {
            "kind": "MEETING_RESPONDED",
            "text": f"colleague{words}会议「评审会」的邀请",
            "link": gid("CalendarEvent", event.id),
        }
    ]


async def test_only_an_invitee_answers_and_only_with_an_answer(desk: Office) -> None:
    leader, colleague = await desk.actor("leader"), await desk.actor("colleague")
    event = await events.create_event(
        leader, title="会", starts_at=START, ends_at=START + HOUR, attendee_ids=[desk.colleague.id]
    )
    assert await refused(
        events.respond(colleague, id=event.id, response=Response.NEEDS_ACTION)
    ) == [("INVALID", "Answer ACCEPTED, DECLINED or TENTATIVE", ("response",))]
    gone = [("NOT_FOUND", "Invitation not found", ("id",))]
    assert await refused(events.respond(leader, id=event.id, response=Response.ACCEPTED)) == gone
    assert (
        await refused(events.respond(colleague, id=str(event.id), response=Response.ACCEPTED))
        == gone
    )
    assert (
        await refused(events.respond(colleague, id=uuid.uuid4(), response=Response.ACCEPTED))
        == gone
    )
    assert await answers(desk, event) == {desk.colleague.id: Response.NEEDS_ACTION}
    assert await desk.audit("calendar.responded") == []
