"""No double booking, guaranteed by the database: 100 bookings of one slot sent at once over
real HTTP, by different users, give exactly one booking; every other request gets CONFLICT
naming the booking that won. On PostgreSQL the exclusion constraint decides."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError

from models.bookings import Booking, BookingStatus
from server.settings import Settings
from tests.bookings.support import BOOKING, bookings_office, slot, weekday_at
from tests.calendar.support import member
from tests.conftest import GraphQL, key_of

ATTEMPTS = 100


@pytest.mark.slow
async def test_a_hundred_concurrent_bookings_of_one_slot_give_exactly_one(
    database: Settings, gql: GraphQL
) -> None:
    desk, room = await bookings_office(gql)
    users = [await member(desk.department, f"u{n}") for n in range(ATTEMPTS)]
    tokens = [gql.token(u, desk.department.tenant) for u in users]
    start = weekday_at(10)
    # Each booking a little different, all overlapping 10:00–10:30.
    inputs = [
        slot(room, start + timedelta(minutes=n % 30), 0.5 + (n % 3) * 0.25, f"会议 {n}")
        for n in range(ATTEMPTS)
    ]
    for token in tokens[:5]:
        await gql("{ viewer { user { id } } }", token=token)

    answers = await asyncio.gather(
        *(
            gql.mutate("bookResource", body, BOOKING, token=token)
            for body, token in zip(inputs, tokens, strict=True)
        )
    )
    won = [a["booking"] for a in answers if a["booking"] is not None]
    lost = [a["errors"] for a in answers if a["booking"] is None]
    assert len(won) == 1
    assert len(lost) == ATTEMPTS - 1
    winner = won[0]
    for errors in lost:
        assert [e["code"] for e in errors] == ["CONFLICT"]
        assert winner["id"] in errors[0]["message"]
        assert winner["title"] in errors[0]["message"]
    stored = await desk.department.scope.query(Booking).filter(status=BookingStatus.CONFIRMED)
    assert len(stored) == 1
    constraint = await connections.get("default").execute_query_dict(
        "SELECT conname FROM pg_constraint WHERE conname = 'booking_no_overlap'"
    )
    assert constraint == [{"conname": "booking_no_overlap"}]


async def test_the_database_itself_refuses_overlapping_active_bookings(
    database: Settings, gql: GraphQL
) -> None:
    desk, room = await bookings_office(gql)
    scope = desk.department.scope
    start = weekday_at(9)
    values = {
        "resource_id": key_of(room),
        "booker_id": desk.leader.id,
        "title": "direct",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "status": BookingStatus.CONFIRMED,
    }
    await scope.create(Booking, **values)
    later = {
        **values,
        "starts_at": start + timedelta(minutes=30),
        "ends_at": start + timedelta(hours=2),
    }
    with pytest.raises(IntegrityError, match="booking_no_overlap"):
        await scope.create(Booking, **{**later, "status": BookingStatus.PENDING})
    await scope.create(Booking, **{**later, "status": BookingStatus.CANCELLED})
    await scope.create(Booking, **{**later, "starts_at": start + timedelta(hours=1)})
    assert await scope.query(Booking).count() == 3
