"""`slots.holding` when the database refuses the write: an overlap the check before could not
see (the exclusion constraint) is CONFLICT, and any other integrity error is not its to turn
into one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise.exceptions import IntegrityError

from models.bookings import Booking, BookingStatus, Resource, ResourceKind
from server.settings import Settings
from services.bookings import resources, slots
from services.errors import ServiceError
from tests.bookings.support import weekday_at
from tests.calendar.support import Office, office
from tests.conftest import GraphQL


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def test_a_write_the_constraint_refuses_is_a_conflict(desk: Office) -> None:
    scope = desk.department.scope
    car: Resource = await resources.create_resource(
        await desk.actor("admin"), kind=ResourceKind.VEHICLE, name="公务车"
    )
    start = weekday_at(9)
    values = {
        "resource_id": car.id,
        "booker_id": desk.leader.id,
        "title": "x",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "status": BookingStatus.CONFIRMED,
    }

    async def twice() -> None:
        async with slots.holding(scope, car, start, start + timedelta(hours=1)):
            await scope.create(Booking, **values)
            await scope.create(Booking, **values)  # as if another had committed meanwhile

    with pytest.raises(ServiceError) as caught:
        await twice()
    assert [(p.code.value, str(p.message), p.field) for p in caught.value.problems] == [
        ("CONFLICT", "公务车 was just booked; try again", ("startsAt",))
    ]
    assert not await scope.query(Booking).exists()

    with pytest.raises(IntegrityError, match="not an overlap"):
        async with slots.holding(scope, car, start, start + timedelta(hours=1)):
            raise IntegrityError("not an overlap")
    async with slots.holding(scope, car, start, start + timedelta(hours=1)):
        mine = await scope.create(Booking, **values)
    moved = start + timedelta(minutes=30)
    async with slots.holding(scope, car, moved, moved + timedelta(hours=1), other_than=mine.id):
        mine.starts_at, mine.ends_at = moved, moved + timedelta(hours=1)
        await mine.save()
    with pytest.raises(ServiceError) as caught:
        async with slots.holding(scope, car, start, start + timedelta(hours=1)):
            pass
    assert caught.value.problems[0].code.value == "CONFLICT"
    assert "is already booked" in str(caught.value.problems[0].message)
