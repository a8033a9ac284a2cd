"""Public affairs (公共事务) as GraphQL types: bookable resources, bookings and the portal's
summary per kind."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import bookings as m
from resolvers import bookings as r
from schema.calendar.types import CalendarEvent
from schema.directory.types import User
from schema.nodes import LoadedNode
from schema.types import Info, describe_values

strawberry.enum(m.ResourceKind, name="ResourceKind", description="What a bookable resource is.")
describe_values(
    m.ResourceKind,
    {
        "MEETING_ROOM": "会议室: a meeting room.",
        "VEHICLE": "车辆: a vehicle.",
        "EQUIPMENT": "设备: equipment (a projector, a camera, …).",
    },
)
strawberry.enum(m.BookingStatus, name="BookingStatus", description="Where a booking stands.")
describe_values(
    m.BookingStatus,
    {
        "PENDING": "待审批: waits for a keeper's approval and holds its slot meanwhile.",
        "CONFIRMED": "已确认: the slot is the booker's.",
        "REJECTED": "已驳回: a keeper refused it; the slot is free.",
        "CANCELLED": "已取消: cancelled; the slot is free.",
    },
)

TITLES = {
    m.ResourceKind.MEETING_ROOM: "会议室 Meeting rooms",
    m.ResourceKind.VEHICLE: "车辆 Vehicles",
    m.ResourceKind.EQUIPMENT: "设备 Equipment",
}


@strawberry.type(description="A working period of a day, local times (HH:MM).")
class OpeningPeriod:
    start: str = strawberry.field(description="HH:MM")
    end: str = strawberry.field(description="HH:MM")


@strawberry.type(
    description="A bookable resource of the tenant (公共事务): a room, a vehicle, equipment."
)
class BookableResource(LoadedNode):
    id: relay.NodeID[str]
    kind: m.ResourceKind = strawberry.field(description="What it is.")
    name: str = strawberry.field(description="Unique in the tenant.")
    location: str = strawberry.field(description="Where it is.")
    capacity: int | None = strawberry.field(description="Seats; null where it does not apply.")
    attributes: JSON = strawberry.field(description='Features, e.g. {"projector": true}.')
    opening_hours: list[OpeningPeriod] = strawberry.field(
        description="Bookable periods of a day in `timezone`; empty: all day."
    )
    open_weekdays: list[int] = strawberry.field(
        description="Weekday numbers (Monday 0); empty: every day."
    )
    timezone: str = strawberry.field(description="IANA zone of the opening hours.")
    requires_approval: bool = strawberry.field(
        description="A booking waits for a keeper (bookings.manage)."
    )
    active: bool = strawberry.field(description="Takes new bookings.")
    version: int = strawberry.field(description="For `expectedVersion` in updates.")

    loader = r.ResourceById

    @classmethod
    def from_model(cls, row: m.Resource) -> BookableResource:
        return cls(
            id=str(row.id),
            kind=row.kind,
            name=row.name,
            location=row.location,
            capacity=row.capacity,
            attributes=cast(JSON, row.attributes),
            opening_hours=[OpeningPeriod(start=a, end=b) for a, b in row.opening_hours],
            open_weekdays=row.open_weekdays,
            timezone=row.timezone,
            requires_approval=row.requires_approval,
            active=row.active,
            version=row.version,
        )


@strawberry.type(description="A booking of a resource for a time.")
class Booking(LoadedNode):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="What it is for.")
    starts_at: datetime = strawberry.field(description="Start (inclusive).")
    ends_at: datetime = strawberry.field(
        description="End (exclusive): the next booking may start then."
    )
    status: m.BookingStatus = strawberry.field(description="Where it stands.")
    decision_note: str = strawberry.field(
        description="The keeper's note, or the reason for cancelling."
    )
    version: int = strawberry.field(description="For `expectedVersion` in changes.")
    resource_id: relay.GlobalID = strawberry.field(description="The resource booked.")
    booker_id: relay.GlobalID = strawberry.field(description="Who booked.")
    event_id: relay.GlobalID | None = strawberry.field(description="The calendar event it is for.")
    row: strawberry.Private[m.Booking]

    loader = r.BookingById

    @classmethod
    def from_model(cls, row: m.Booking) -> Booking:
        return cls(
            id=str(row.id),
            title=row.title,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=row.status,
            decision_note=row.decision_note,
            version=row.version,
            resource_id=relay.GlobalID("BookableResource", str(row.resource_id)),
            booker_id=relay.GlobalID("User", str(row.booker_id)),
            event_id=relay.GlobalID("CalendarEvent", str(row.event_id)) if row.event_id else None,
            row=row,
        )

    @strawberry.field(description="The resource booked.")
    async def resource(self, info: Info) -> BookableResource | None:
        return await BookableResource.load(info, self.row.resource_id)

    @strawberry.field(description="Who booked.")
    async def booker(self, info: Info) -> User | None:
        return await User.load(info, self.row.booker_id)

    @strawberry.field(
        description="The calendar event (meeting invitation) it is for, if the viewer may read it."
    )
    async def event(self, info: Info) -> CalendarEvent | None:
        return await CalendarEvent.load(info, self.row.event_id)


@strawberry.type(description="公共事务 on the portal: one kind of resource and what waits there.")
class PublicAffairsEntry:
    kind: m.ResourceKind = strawberry.field(description="The kind of resource.")
    title: str = strawberry.field(description="Its display name, e.g. 会议室 Meeting rooms.")
    resource_count: int = strawberry.field(description="Active resources of the kind.")
    available_now_count: int = strawberry.field(description="Those not booked right now.")
    my_upcoming_count: int = strawberry.field(description="The viewer's bookings not over yet.")
    pending_approval_count: int = strawberry.field(
        description="Bookings waiting for approval (for keepers; 0 for others)."
    )

    @classmethod
    def of(cls, a: r.Affairs) -> PublicAffairsEntry:
        return cls(
            kind=a.kind,
            title=TITLES[a.kind],
            resource_count=a.resource_count,
            available_now_count=a.available_now_count,
            my_upcoming_count=a.my_upcoming_count,
            pending_approval_count=a.pending_approval_count,
        )
