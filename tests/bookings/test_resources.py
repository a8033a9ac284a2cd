"""Bookable resources through the service: each check at its edges word for word, what is
stored, the audit entry and `booking.resource_changed` event of a creation and a change, and
who may change which resource."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models.bookings import Resource, ResourceKind
from server.settings import Settings
from services.bookings import resources
from tests.calendar.support import Office, office, refused
from tests.conftest import GraphQL, gid

WEEKDAYS = ("INVALID", "Weekdays are 0 (Monday) to 6", ("openWeekdays",))
CAPACITY = ("INVALID", "capacity is 1 to 10000", ("capacity",))
ATTRIBUTES = ("INVALID", "attributes is an object of at most 50 keys", ("attributes",))


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def create(desk: Office, **values: Any) -> Resource:
    made: Resource = await resources.create_resource(
        await desk.actor("admin"), **{"kind": ResourceKind.MEETING_ROOM, "name": "会议室", **values}
    )
    return made


async def test_what_a_resource_stores_and_its_trail(desk: Office) -> None:
    room = await create(
        desk,
        name=" 第一会议室 ",
        location=" 三楼 ",
        capacity=10000,
        attributes={f"k{n}": n for n in range(50)},
        opening_hours=[("08:00", "12:00")],
        open_weekdays=[6, 0, 6],
        requires_approval=True,
    )
    row = await desk.department.scope.query(Resource).get(id=room.id)
    assert (row.kind, row.name, row.location, row.capacity, len(row.attributes)) == (
        ResourceKind.MEETING_ROOM,
        "第一会议室",
        "三楼",
        10000,
        50,
    )
    assert (row.opening_hours, row.open_weekdays, row.timezone) == (
        [["08:00", "12:00"]],
        [0, 6],
        "Asia/Shanghai",
    )
    assert (row.requires_approval, row.active, row.version) == (True, True, 1)
    car = await create(desk, kind=ResourceKind.VEHICLE, name="车", capacity=1, timezone="UTC")
    row = await desk.department.scope.query(Resource).get(id=car.id)
    assert (row.location, row.attributes, row.opening_hours, row.open_weekdays) == ("", {}, [], [])
    assert (row.capacity, row.timezone, row.requires_approval) == (1, "UTC", False)
    admin = desk.department.admin.id
    assert await desk.audit("bookings.resource") == [
        (
            "bookings.resource_created",
            "BookableResource",
            str(room.id),
            admin,
            {"name": "第一会议室", "kind": "meeting_room"},
        ),
        (
            "bookings.resource_created",
            "BookableResource",
            str(car.id),
            admin,
            {"name": "车", "kind": "vehicle"},
        ),
    ]
    assert [p for _, p in await desk.topics("booking.resource")] == [
        {"resourceId": gid("BookableResource", room.id), "action": "created"},
        {"resourceId": gid("BookableResource", car.id), "action": "created"},
    ]


async def test_each_check_at_its_edges(desk: Office) -> None:
    assert await refused(
        create(
            desk,
            name="n" * 101,
            location="l" * 201,
            capacity=10001,
            attributes={f"k{n}": n for n in range(51)},
            opening_hours=[("12:00", "08:00")],
            open_weekdays=[7],
            timezone="Nowhere/Else",
        )
    ) == [
        ("TOO_LONG", "name is longer than 100 characters", ("name",)),
        ("TOO_LONG", "location is longer than 200 characters", ("location",)),
        CAPACITY,
        ATTRIBUTES,
        ("INVALID", "Working periods must be in order and not overlap", ("openingHours",)),
        WEEKDAYS,
        ("INVALID", "Unknown time zone 'Nowhere/Else'", ("timezone",)),
    ]
    assert await refused(create(desk, capacity=0, open_weekdays=[-1, 3])) == [CAPACITY, WEEKDAYS]
    assert await refused(create(desk, open_weekdays=["1"])) == [WEEKDAYS]
    assert await refused(create(desk, attributes=["projector"])) == [ATTRIBUTES]
    assert await refused(create(desk, name=" ")) == [
        ("REQUIRED", "name must not be empty", ("name",))
    ]
    assert await refused(
        resources.create_resource(await desk.actor("leader"), kind=ResourceKind.VEHICLE, name="x")
    ) == [("FORBIDDEN", "You lack the permission bookings.manage", None)]
    assert not await desk.department.scope.query(Resource).exists()
    assert await desk.audit("bookings.") == []


async def test_a_change_keeps_what_is_not_sent(desk: Office) -> None:
    admin = await desk.actor("admin")
    room = await create(desk, capacity=12, opening_hours=[("08:00", "18:00")], open_weekdays=[0])
    other = await create(desk, name="小会议室")
    changed = await resources.update_resource(
        admin, id=room.id, capacity=None, active=False, open_weekdays=[3, 1], expected_version=1
    )
    row = await desk.department.scope.query(Resource).get(id=room.id)
    assert (row.name, row.capacity, row.active, row.open_weekdays, row.opening_hours) == (
        "会议室",
        None,
        False,
        [1, 3],
        [["08:00", "18:00"]],
    )
    assert (changed.version, row.version) == (2, 2)
    assert (await desk.audit("bookings.resource_updated"))[0] == (
        "bookings.resource_updated",
        "BookableResource",
        str(room.id),
        desk.department.admin.id,
        {"capacity": None, "active": False, "open_weekdays": [1, 3]},
    )
    assert (await desk.topics("booking.resource"))[-1][1] == {
        "resourceId": gid("BookableResource", room.id),
        "action": "updated",
    }
    await resources.update_resource(admin, id=room.id, opening_hours=[], requires_approval=True)
    row = await desk.department.scope.query(Resource).get(id=room.id)
    assert (row.opening_hours, row.requires_approval, row.version) == ([], True, 3)

    assert await refused(resources.update_resource(admin, id=room.id, name=" 小会议室 ")) == [
        ("DUPLICATE", "Another resource has that name", ("name",))
    ]
    assert await refused(create(desk, name="小会议室")) == [
        ("DUPLICATE", "Another resource has that name", ("name",))
    ]
    assert await refused(resources.update_resource(admin, id=room.id, capacity=0)) == [CAPACITY]
    assert await refused(
        resources.update_resource(admin, id=room.id, name="x", expected_version=1)
    ) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 3, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    gone = [("NOT_FOUND", "Resource not found", ("id",))]
    assert await refused(resources.update_resource(admin, id=str(room.id), name="x")) == gone
    assert await refused(resources.update_resource(admin, id=uuid.uuid4(), name="x")) == gone
    assert await refused(
        resources.update_resource(await desk.actor("leader"), id=other.id, name="x")
    ) == [("FORBIDDEN", "You lack the permission bookings.manage", None)]
    assert (await desk.department.scope.query(Resource).get(id=room.id)).version == 3
