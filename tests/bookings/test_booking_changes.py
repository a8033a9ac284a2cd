"""Bookings through the service: the refusals word for word, what each change stores, its audit
entry and `booking.changed` event, a move of a booking that needs approval waiting again, and
the keeper's decision with its notice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.bookings import Booking, BookingStatus, Resource, ResourceKind
from models.calendar import CalendarEvent
from server.settings import Settings
from services.bookings import bookings, resources
from services.calendar import events
from tests.bookings.support import weekday_at
from tests.calendar.support import Office, office, refused
from tests.conftest import GraphQL, gid

HOUR = timedelta(hours=1)
NINE = weekday_at(9)


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def room(desk: Office, **values: Any) -> Resource:
    made: Resource = await resources.create_resource(
        await desk.actor("admin"), **{"kind": ResourceKind.VEHICLE, "name": "公务车", **values}
    )
    return made


async def book(desk: Office, who: str, resource: Resource, **values: Any) -> Booking:
    sent = {"title": "调研", "starts_at": NINE, "ends_at": NINE + HOUR, **values}
    made: Booking = await bookings.book(await desk.actor(who), resource_id=resource.id, **sent)
    return made


async def test_a_booking_is_stored_audited_and_announced(desk: Office) -> None:
    car = await room(desk)
    made = await book(desk, "leader", car, title=" 下乡 ")
    row = await desk.department.scope.query(Booking).get(id=made.id)
    assert (row.resource_id, row.booker_id, row.title, row.status, row.event_id) == (
        car.id,
        desk.leader.id,
        "下乡",
        BookingStatus.CONFIRMED,
        None,
    )
    assert (row.starts_at, row.ends_at, row.version) == (NINE, NINE + HOUR, 1)
    assert await desk.audit("bookings.booked") == [
        (
            "bookings.booked",
            "Booking",
            str(made.id),
            desk.leader.id,
            {"resource": "公务车", "title": "下乡"},
        )
    ]
    assert [p for _, p in await desk.topics("booking.changed")] == [
        {
            "bookingId": gid("Booking", made.id),
            "resourceId": gid("BookableResource", car.id),
            "action": "booked",
            "status": "confirmed",
            "startsAt": NINE.isoformat(),
            "endsAt": (NINE + HOUR).isoformat(),
            "userIds": [gid("User", desk.leader.id)],
        }
    ]


async def test_a_booking_is_refused_word_for_word(desk: Office) -> None:
    car = await room(desk)
    leader = await desk.actor("leader")
    nowhere = [("NOT_FOUND", "Resource not found", ("resourceId",))]
    sent = {"title": "x", "starts_at": NINE, "ends_at": NINE + HOUR}
    assert await refused(bookings.book(leader, resource_id=str(car.id), **sent)) == nowhere
    assert await refused(bookings.book(leader, resource_id=uuid.uuid4(), **sent)) == nowhere
    await resources.update_resource(await desk.actor("admin"), id=car.id, active=False)
    assert await refused(book(desk, "leader", car, title=" ")) == [
        ("REQUIRED", "title must not be empty", ("title",)),
        ("INVALID_STATE", "公务车 takes no bookings", ("resourceId",)),
    ]
    await resources.update_resource(await desk.actor("admin"), id=car.id, active=True)
    meeting = await events.create_event(
        leader, title="会", starts_at=NINE, ends_at=NINE + HOUR, location="礼堂"
    )
    event = [("NOT_FOUND", "Event not found", ("eventId",))]
    assert await refused(book(desk, "colleague", car, event_id=meeting.id)) == event
    assert await refused(book(desk, "leader", car, event_id=str(meeting.id))) == event
    assert not await desk.department.scope.query(Booking).exists()
    linked = await book(desk, "leader", car, event_id=meeting.id)
    assert linked.event_id == meeting.id
    stored = await desk.department.scope.query(CalendarEvent).get(id=meeting.id)
    assert stored.location == "礼堂", "a meeting's own location stays"
    clash = await refused(book(desk, "colleague", car, starts_at=NINE + HOUR / 2))
    local = NINE + timedelta(hours=8)
    assert clash == [
        (
            "CONFLICT",
            f"公务车 is already booked {local:%Y-%m-%d} 09:00–10:00 for “调研” "
            f"(booking {gid('Booking', linked.id)})",
            ("startsAt",),
        )
    ]


async def test_a_change_a_cancellation_and_who_may_make_them(desk: Office) -> None:
    car = await room(desk, requires_approval=True)
    leader, admin = await desk.actor("leader"), await desk.actor("admin")
    made = await book(desk, "leader", car)
    assert made.status is BookingStatus.PENDING
    assert (
        await book(desk, "admin", car, starts_at=NINE + HOUR, ends_at=NINE + 2 * HOUR)
    ).status is BookingStatus.CONFIRMED
    await bookings.decide_booking(admin, id=made.id, approve=True)
    renamed = await bookings.change_booking(
        leader, id=made.id, title="调研（改）", expected_version=2
    )
    assert (renamed.status, renamed.version) == (BookingStatus.CONFIRMED, 3), "no move: approved"
    moved = await bookings.change_booking(
        leader, id=made.id, starts_at=NINE - HOUR, ends_at=NINE + HOUR / 2
    )
    row = await desk.department.scope.query(Booking).get(id=made.id)
    assert (row.status, row.starts_at, row.ends_at, row.title, moved.version) == (
        BookingStatus.PENDING,
        NINE - HOUR,
        NINE + HOUR / 2,
        "调研（改）",
        4,
    )
    assert (await desk.audit("bookings.changed"))[-1] == (
        "bookings.changed",
        "Booking",
        str(made.id),
        desk.leader.id,
        {"starts_at": str(NINE - HOUR), "ends_at": str(NINE + HOUR / 2)},
    )
    kept = await bookings.change_booking(admin, id=made.id, ends_at=NINE)
    assert kept.status is BookingStatus.CONFIRMED, "a keeper's move needs no approval"
    assert await refused(
        bookings.change_booking(leader, id=made.id, title="x", expected_version=1)
    ) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 5, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(
        bookings.change_booking(leader, id=made.id, title=" ", ends_at=NINE - HOUR)
    ) == [
        ("REQUIRED", "title must not be empty", ("title",)),
        ("INVALID", "A booking ends after it starts", ("endsAt",)),
    ]
    gone = [("NOT_FOUND", "Booking not found", ("id",))]
    colleague = await desk.actor("colleague")
    assert await refused(bookings.cancel_booking(colleague, id=made.id)) == gone
    assert await refused(bookings.cancel_booking(leader, id=str(made.id))) == gone
    assert await refused(bookings.cancel_booking(leader, id=uuid.uuid4())) == gone
    assert await refused(bookings.cancel_booking(leader, id=made.id, reason="r" * 501)) == [
        ("TOO_LONG", "reason is longer than 500 characters", ("reason",))
    ]
    cancelled = await bookings.cancel_booking(leader, id=made.id, reason=" 改期 ")
    row = await desk.department.scope.query(Booking).get(id=made.id)
    assert (row.status, row.decision_note, row.version, cancelled.version) == (
        BookingStatus.CANCELLED,
        "改期",
        6,
        6,
    )
    assert (await desk.audit("bookings."))[-1] == (
        "bookings.cancelled",
        "Booking",
        str(made.id),
        desk.leader.id,
        {"reason": "改期"},
    )
    assert await refused(bookings.change_booking(admin, id=made.id, title="x")) == [
        ("INVALID_STATE", "The booking is cancelled", ("id",))
    ]


async def test_a_keepers_decision_is_stored_and_told(desk: Office) -> None:
    car = await room(desk, requires_approval=True)
    admin = await desk.actor("admin")
    first = await book(desk, "leader", car)
    second = await book(desk, "colleague", car, starts_at=NINE + HOUR, ends_at=NINE + 2 * HOUR)
    assert await refused(
        bookings.decide_booking(admin, id=first.id, approve=False, note="n" * 501)
    ) == [("TOO_LONG", "note is longer than 500 characters", ("note",))]
    rejected = await bookings.decide_booking(admin, id=first.id, approve=False)
    row = await desk.department.scope.query(Booking).get(id=first.id)
    assert (row.status, row.decided_by_id, row.decision_note, row.version) == (
        BookingStatus.REJECTED,
        desk.department.admin.id,
        "",
        2,
    )
    assert rejected.version == 2
    await bookings.decide_booking(admin, id=second.id, approve=True, note=" 好 ")
    row = await desk.department.scope.query(Booking).get(id=second.id)
    assert (row.status, row.decision_note) == (BookingStatus.CONFIRMED, "好")
    assert [
        a
        for a in await desk.audit("bookings.")
        if a[0] in ("bookings.approved", "bookings.rejected")
    ] == [
        ("bookings.rejected", "Booking", str(first.id), desk.department.admin.id, {"note": ""}),
        ("bookings.approved", "Booking", str(second.id), desk.department.admin.id, {"note": "好"}),
    ]
    day = f"{NINE + timedelta(hours=8):%m月%d日}"
    assert [n["text"] for n in await desk.inbox("leader")] == [
        f"您预约的「公务车」（调研，{day} 09:00–10:00）未通过"
    ]
    assert [(n["kind"], n["link"]) for n in await desk.inbox("colleague")] == [
        ("BOOKING_DECIDED", gid("Booking", second.id))
    ]
    waiting = [("INVALID_STATE", "The booking is not waiting for approval", ("id",))]
    assert await refused(bookings.decide_booking(admin, id=second.id, approve=False)) == waiting
    assert await refused(bookings.decide_booking(admin, id=first.id, approve=True)) == [
        ("INVALID_STATE", "The booking is rejected", ("id",))
    ]
    late = datetime.now(UTC) - HOUR
    assert await refused(book(desk, "leader", car, starts_at=late - HOUR, ends_at=late)) == [
        ("INVALID", "That time is over", ("startsAt",))
    ]


async def test_a_move_onto_another_booking_names_it(desk: Office) -> None:
    car = await room(desk)
    first = await book(desk, "leader", car)
    later = await book(desk, "colleague", car, starts_at=NINE + 2 * HOUR, ends_at=NINE + 3 * HOUR)
    colleague = await desk.actor("colleague")
    local = NINE + timedelta(hours=8)
    assert await refused(
        bookings.change_booking(colleague, id=later.id, starts_at=NINE + HOUR / 2)
    ) == [
        (
            "CONFLICT",
            f"公务车 is already booked {local:%Y-%m-%d} 09:00–10:00 for “调研” "
            f"(booking {gid('Booking', first.id)})",
            ("startsAt",),
        )
    ]
    moved = await bookings.change_booking(colleague, id=later.id, starts_at=NINE + HOUR)
    assert (moved.starts_at, moved.ends_at) == (NINE + HOUR, NINE + 3 * HOUR)
