"""Public affairs through GraphQL: resources kept by holders of bookings.manage; book, change,
cancel; no overlap (CONFLICT naming the clash), opening hours, approval holding the slot,
availability search, bookings linked to calendar invitations, and the portal summary."""

from __future__ import annotations

from datetime import timedelta

from models.audit import AuditEntry
from models.bookings import Booking
from server.settings import Settings
from tests.bookings.support import BOOKING, ROOM, bookings_office, resource, slot, weekday_at
from tests.calendar.support import office
from tests.conftest import GraphQL, gid

SCHEDULE = """query($r: ID!, $from: DateTime!, $to: DateTime!) {
  resourceBookings(resourceId: $r, from: $from, to: $to) { title status }
}"""
SUMMARY = """{ publicAffairs(kinds: [MEETING_ROOM, VEHICLE]) {
  kind title resourceCount availableNowCount myUpcomingCount pendingApprovalCount
} }"""
AVAILABLE = """query($from: DateTime!, $to: DateTime!, $capacity: Int, $attributes: JSON) {
  availableResources(from: $from, to: $to, capacity: $capacity, attributes: $attributes) { name }
}"""


async def test_only_keepers_add_resources_and_bad_ones_are_refused(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    member = await desk.mutate("leader", "createBookableResource", ROOM, "resource { id }")
    assert [e["code"] for e in member["errors"]] == ["FORBIDDEN"]
    bad = await desk.mutate(
        "admin",
        "createBookableResource",
        {
            **ROOM,
            "name": "",
            "capacity": 0,
            "openingHours": [{"start": "18:00", "end": "08:00"}],
            "openWeekdays": [9],
            "timezone": "Nowhere/Else",
        },
        "resource { id }",
    )
    assert {tuple(e["field"][1:]) for e in bad["errors"]} == {
        ("name",),
        ("capacity",),
        ("openingHours",),
        ("openWeekdays",),
        ("timezone",),
    }
    await resource(desk)
    twice = await desk.mutate("admin", "createBookableResource", ROOM, "resource { id }")
    assert [e["code"] for e in twice["errors"]] == ["DUPLICATE"]


async def test_book_change_and_cancel_without_overlap(database: Settings, gql: GraphQL) -> None:
    desk, room = await bookings_office(gql)
    nine = weekday_at(9)
    first = await desk.mutate("leader", "bookResource", slot(room, nine, 1, "党组会"), BOOKING)
    assert first["errors"] == []
    assert first["booking"]["status"] == "CONFIRMED"

    clash = await desk.mutate(
        "colleague", "bookResource", slot(room, nine + timedelta(minutes=30)), BOOKING
    )
    assert clash["booking"] is None
    (error,) = clash["errors"]
    assert error["code"] == "CONFLICT"
    assert error["field"] == ["input", "startsAt"]
    assert "党组会" in error["message"]
    assert first["booking"]["id"] in error["message"]

    after = await desk.mutate(
        "colleague", "bookResource", slot(room, nine + timedelta(hours=1)), BOOKING
    )
    assert after["errors"] == [], "a booking may start when the previous ends"

    closed = await desk.mutate("colleague", "bookResource", slot(room, weekday_at(12)), BOOKING)
    assert [e["code"] for e in closed["errors"]] == ["INVALID"]
    assert "08:00–12:00" in closed["errors"][0]["message"]
    weekend = await desk.mutate(
        "colleague", "bookResource", slot(room, weekday_at(9) + timedelta(days=5)), BOOKING
    )
    assert "not open" in weekend["errors"][0]["message"]

    moved = await desk.mutate(
        "colleague",
        "changeBooking",
        {
            "id": after["booking"]["id"],
            "startsAt": nine.isoformat(),
            "endsAt": (nine + timedelta(hours=1)).isoformat(),
        },
        BOOKING,
    )
    assert [e["code"] for e in moved["errors"]] == ["CONFLICT"]
    others = await desk.mutate(
        "colleague", "cancelBooking", {"id": first["booking"]["id"]}, BOOKING
    )
    assert [e["code"] for e in others["errors"]] == ["NOT_FOUND"]

    cancelled = await desk.mutate(
        "leader", "cancelBooking", {"id": first["booking"]["id"], "reason": "改期"}, BOOKING
    )
    assert cancelled["booking"]["status"] == "CANCELLED"
    moved = await desk.mutate(
        "colleague",
        "changeBooking",
        {
            "id": after["booking"]["id"],
            "startsAt": nine.isoformat(),
            "endsAt": (nine + timedelta(hours=1)).isoformat(),
            "expectedVersion": 1,
        },
        BOOKING,
    )
    assert moved["errors"] == []
    assert moved["booking"]["version"] == 2

    schedule = await desk.as_(
        "leader",
        SCHEDULE,
        {"r": room, "from": nine.isoformat(), "to": (nine + timedelta(hours=8)).isoformat()},
    )
    assert schedule.data["resourceBookings"] == [{"title": "会议", "status": "CONFIRMED"}]
    actions = [p["action"] for _, p in await desk.topics("booking.changed")]
    assert actions == ["booked", "booked", "cancelled", "changed"]


async def test_a_booking_that_needs_approval_holds_its_slot_until_decided(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    car = await resource(
        desk,
        kind="VEHICLE",
        name="公务车 粤A·12345",
        capacity=5,
        openingHours=[],
        openWeekdays=[],
        requiresApproval=True,
    )
    start = weekday_at(14)
    asked = await desk.mutate("leader", "bookResource", slot(car, start, 4, "下乡调研"), BOOKING)
    assert asked["booking"]["status"] == "PENDING"
    held = await desk.mutate("colleague", "bookResource", slot(car, start), BOOKING)
    assert [e["code"] for e in held["errors"]] == ["CONFLICT"]

    pending = "{ pendingBookings(first: 10) { edges { node { id title } } } }"
    assert (await desk.as_("leader", pending)).data["pendingBookings"]["edges"] == []
    waiting = (await desk.as_("admin", pending)).data["pendingBookings"]["edges"]
    assert [e["node"]["title"] for e in waiting] == ["下乡调研"]

    member = await desk.mutate(
        "leader", "decideBooking", {"id": asked["booking"]["id"], "approve": True}, BOOKING
    )
    assert [e["code"] for e in member["errors"]] == ["FORBIDDEN"]
    rejected = await desk.mutate(
        "admin",
        "decideBooking",
        {"id": asked["booking"]["id"], "approve": False, "note": "车辆检修"},
        BOOKING,
    )
    assert rejected["booking"]["status"] == "REJECTED"
    again = await desk.mutate("colleague", "bookResource", slot(car, start), BOOKING)
    assert again["booking"]["status"] == "PENDING"
    approved = await desk.mutate(
        "admin", "decideBooking", {"id": again["booking"]["id"], "approve": True}, BOOKING
    )
    assert approved["booking"]["status"] == "CONFIRMED"
    day = f"{start + timedelta(hours=8):%m月%d日}"
    assert await desk.inbox("leader") == [
        {
            "kind": "BOOKING_DECIDED",
            "text": f"您预约的「公务车 粤A·12345」（下乡调研，{day} 14:00–18:00）"
            "未通过，理由：车辆检修",
            "link": asked["booking"]["id"],
        }
    ]
    (told,) = await desk.inbox("colleague")
    assert told["text"] == f"您预约的「公务车 粤A·12345」（会议，{day} 14:00–15:00）已通过"
    assert await desk.inbox("admin") == [], "the keeper is not told of her own decision"
    twice = await desk.mutate(
        "admin", "decideBooking", {"id": again["booking"]["id"], "approve": True}, BOOKING
    )
    assert [e["code"] for e in twice["errors"]] == ["INVALID_STATE"]


async def test_availability_search_and_the_portal_summary(database: Settings, gql: GraphQL) -> None:
    desk, room = await bookings_office(gql)
    await resource(desk, name="小会议室 Small room", capacity=4, attributes={})
    nine = weekday_at(9)
    window = {"from": nine.isoformat(), "to": (nine + timedelta(hours=1)).isoformat()}
    free = (await desk.as_("leader", AVAILABLE, window)).data["availableResources"]
    assert [r["name"] for r in free] == ["小会议室 Small room", "第一会议室 Room 1"]
    big = (await desk.as_("leader", AVAILABLE, {**window, "capacity": 10})).data[
        "availableResources"
    ]
    assert [r["name"] for r in big] == ["第一会议室 Room 1"]
    beamer = (
        await desk.as_("leader", AVAILABLE, {**window, "attributes": {"projector": True}})
    ).data
    assert [r["name"] for r in beamer["availableResources"]] == ["第一会议室 Room 1"]

    await desk.mutate("leader", "bookResource", slot(room, nine), BOOKING)
    free = (await desk.as_("leader", AVAILABLE, window)).data["availableResources"]
    assert [r["name"] for r in free] == ["小会议室 Small room"]
    evening = {"from": weekday_at(19).isoformat(), "to": weekday_at(20).isoformat()}
    assert (await desk.as_("leader", AVAILABLE, evening)).data["availableResources"] == []

    tiles = (await desk.as_("leader", SUMMARY)).data["publicAffairs"]
    assert tiles == [
        {
            "kind": "MEETING_ROOM",
            "title": "会议室 Meeting rooms",
            "resourceCount": 2,
            "availableNowCount": 2,
            "myUpcomingCount": 1,
            "pendingApprovalCount": 0,
        },
        {
            "kind": "VEHICLE",
            "title": "车辆 Vehicles",
            "resourceCount": 0,
            "availableNowCount": 0,
            "myUpcomingCount": 0,
            "pendingApprovalCount": 0,
        },
    ]


async def test_a_booking_linked_to_a_meeting_invitation(database: Settings, gql: GraphQL) -> None:
    desk, room = await bookings_office(gql)
    nine = weekday_at(9)
    meeting = await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "专题会",
            "startsAt": nine.isoformat(),
            "endsAt": (nine + timedelta(hours=1)).isoformat(),
            "attendeeIds": [gid("User", desk.colleague.id)],
        },
        "event { id }",
    )
    event_id = meeting["event"]["id"]
    foreign = await desk.mutate(
        "colleague", "bookResource", {**slot(room, nine), "eventId": event_id}, BOOKING
    )
    assert [tuple(e["field"]) for e in foreign["errors"]] == [("input", "eventId")]
    booked = await desk.mutate(
        "leader",
        "bookResource",
        {**slot(room, nine), "eventId": event_id},
        BOOKING + " booking { event { title location } }",
    )
    assert booked["errors"] == []
    assert booked["booking"]["eventId"] == event_id
    assert booked["booking"]["event"] == {"title": "专题会", "location": "第一会议室 Room 1"}
    seen = await desk.as_(
        "colleague",
        "query($id: ID!) { node(id: $id) { ... on Booking { event { location } } } }",
        {"id": booked["booking"]["id"]},
    )
    assert seen.data["node"]["event"] == {"location": "第一会议室 Room 1"}


async def test_a_refused_booking_changes_nothing(database: Settings, gql: GraphQL) -> None:
    desk, room = await bookings_office(gql)
    nine = weekday_at(9)
    before = (
        await desk.department.scope.query(Booking).count(),
        await desk.department.scope.query(AuditEntry).count(),
    )
    bad = await desk.mutate(
        "leader",
        "bookResource",
        {
            "resourceId": room,
            "title": "",
            "startsAt": nine.isoformat(),
            "endsAt": (nine - timedelta(hours=1)).isoformat(),
        },
        BOOKING,
    )
    assert {tuple(e["field"]) for e in bad["errors"]} == {("input", "title"), ("input", "endsAt")}
    missing = await desk.mutate(
        "leader",
        "bookResource",
        slot(gid("BookableResource", "00000000-0000-0000-0000-000000000000"), nine),
        BOOKING,
    )
    assert [tuple(e["field"]) for e in missing["errors"]] == [("input", "resourceId")]
    after = (
        await desk.department.scope.query(Booking).count(),
        await desk.department.scope.query(AuditEntry).count(),
    )
    assert after == before


async def test_listing_bookings_costs_the_same_however_many(
    database: Settings, gql: GraphQL, count_queries
) -> None:
    desk, room = await bookings_office(gql)
    query = """{ myBookings(first: 20) { edges { node {
      title resource { name capacity } booker { displayName } event { title } } } } }"""

    async def cost() -> tuple[int, int]:
        with count_queries() as counted:
            seen = await desk.as_("leader", query)
        return counted(), len(seen.data["myBookings"]["edges"])

    await cost()
    nine = weekday_at(9)
    await desk.mutate("leader", "bookResource", slot(room, nine), BOOKING)
    few_queries, few = await cost()
    for hour in (10, 11, 14):
        await desk.mutate("leader", "bookResource", slot(room, weekday_at(hour)), BOOKING)
    many_queries, many = await cost()
    assert (few, many) == (1, 4)
    assert many_queries == few_queries
