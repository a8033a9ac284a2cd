"""The personal office (个人辅助办公) as GraphQL types: events (日程) and their occurrences,
invitees, shares (授权), iCalendar feeds, notes (便签) and the address book."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay

from models import calendar as m
from models.tenants import Tenant
from resolvers import calendar as r
from schema.directory.types import User
from schema.exchange.types import Relation
from schema.nodes import LoadedNode
from schema.types import Info, describe_values

strawberry.enum(
    m.Response,
    name="InvitationResponse",
    description="An invitee's answer (PARTSTAT in iCalendar).",
)
describe_values(
    m.Response,
    {
        "NEEDS_ACTION": "未答复: not answered yet.",
        "ACCEPTED": "接受: she will attend.",
        "DECLINED": "拒绝: she will not (the event leaves her calendar).",
        "TENTATIVE": "暂定: she may attend.",
    },
)
strawberry.enum(m.EventStatus, name="CalendarEventStatus", description="Whether an event holds.")
describe_values(
    m.EventStatus,
    {"ACTIVE": "Takes place.", "CANCELLED": "已取消: cancelled; kept, marked, in feeds."},
)


@strawberry.type(name="CalendarAttendee", description="A user invited to an event (会议邀请).")
class Attendee:
    user_id: relay.GlobalID = strawberry.field(description="The invitee.")
    response: m.Response = strawberry.field(description="Her answer.")
    responded_at: datetime | None = strawberry.field(description="When she answered.")
    user_key: strawberry.Private[uuid.UUID]

    @classmethod
    def of(cls, row: m.CalendarAttendee) -> Attendee:
        return cls(
            user_id=relay.GlobalID("User", str(row.user_id)),
            response=row.response,
            responded_at=row.responded_at,
            user_key=row.user_id,
        )

    @strawberry.field(description="The invitee as a directory user.")
    async def user(self, info: Info) -> User | None:
        return await User.load(info, self.user_key)


@strawberry.type(description="An event of a calendar (日程); recurring with an RRULE.")
class CalendarEvent(LoadedNode):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="What the event is.")
    description: str = strawberry.field(description="Free text; empty when none.")
    location: str = strawberry.field(description="Where; a booked room's name when booked.")
    starts_at: datetime = strawberry.field(description="Start of the (first) occurrence.")
    ends_at: datetime = strawberry.field(description="End of the (first) occurrence.")
    all_day: bool = strawberry.field(description="Shown as whole days.")
    timezone: str = strawberry.field(description="IANA zone the rule repeats in.")
    rrule: str | None = strawberry.field(
        description="RFC 5545 RRULE value (`FREQ=WEEKLY;BYDAY=MO`); null for a single event."
    )
    remind_minutes: int | None = strawberry.field(
        description="Minutes before each occurrence its people are reminded; null for none."
    )
    status: m.EventStatus = strawberry.field(description="Cancelled events stay, marked.")
    version: int = strawberry.field(description="For `expectedVersion` in updates.")
    owner_id: relay.GlobalID = strawberry.field(description="Whose calendar (the organiser).")
    row: strawberry.Private[m.CalendarEvent]

    loader = r.CalendarEventById

    @classmethod
    def from_model(cls, row: m.CalendarEvent) -> CalendarEvent:
        return cls(
            id=str(row.id),
            title=row.title,
            description=row.description,
            location=row.location,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            all_day=row.all_day,
            timezone=row.timezone,
            rrule=row.rrule,
            remind_minutes=row.remind_minutes,
            status=row.status,
            version=row.version,
            owner_id=relay.GlobalID("User", str(row.owner_id)),
            row=row,
        )

    @strawberry.field(description="The organiser.")
    async def owner(self, info: Info) -> User | None:
        return await User.load(info, self.row.owner_id)

    @strawberry.field(description="Who is invited, with their answers.")
    async def attendees(self, info: Info) -> list[Attendee]:
        rows = await r.AttendeesByEvent(info.context).load(self.row.id)
        return [Attendee.of(a) for a in rows]


@strawberry.type(
    description="One occurrence of an event in the range asked for (a recurring event has "
    "one per repetition); `id` is the event's."
)
class CalendarOccurrence:
    id: relay.GlobalID = strawberry.field(description="The event's global id.")
    title: str = strawberry.field(description="The event's title.")
    starts_at: datetime = strawberry.field(description="When this occurrence starts.")
    ends_at: datetime = strawberry.field(description="When this occurrence ends.")
    location: str = strawberry.field(description="The event's location.")
    all_day: bool = strawberry.field(description="Shown as whole days.")
    recurring: bool = strawberry.field(description="Part of a series (RRULE).")
    my_response: m.Response | None = strawberry.field(
        description="The calendar owner's answer when she is invited; null when she organises."
    )
    event_row: strawberry.Private[m.CalendarEvent]

    @classmethod
    def of(cls, o: r.Occurrence) -> CalendarOccurrence:
        return cls(
            id=relay.GlobalID("CalendarEvent", str(o.event.id)),
            title=o.event.title,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            location=o.event.location,
            all_day=o.event.all_day,
            recurring=o.event.rrule is not None,
            my_response=o.my_response,
            event_row=o.event,
        )

    @strawberry.field(description="The event itself.")
    def event(self) -> CalendarEvent:
        return CalendarEvent.from_model(self.event_row)


@strawberry.type(description="An invitation of the viewer to an event.")
class CalendarInvitation(relay.Node):
    id: relay.NodeID[str]
    response: m.Response = strawberry.field(description="The viewer's answer so far.")
    event_key: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The event she is invited to.")
    async def event(self, info: Info) -> CalendarEvent | None:
        return await CalendarEvent.load(info, self.event_key)

    @classmethod
    def from_model(cls, row: m.CalendarAttendee) -> CalendarInvitation:
        return cls(id=str(row.id), response=row.response, event_key=row.event_id)


@strawberry.type(description="授权: a calendar shared with a delegate (a secretary).")
class CalendarShare(relay.Node):
    id: relay.NodeID[str]
    owner_id: relay.GlobalID = strawberry.field(description="Whose calendar.")
    delegate_id: relay.GlobalID = strawberry.field(description="Who may see it.")
    can_edit: bool = strawberry.field(description="She may also add and change its events.")
    row: strawberry.Private[m.CalendarShare]

    @classmethod
    def from_model(cls, row: m.CalendarShare) -> CalendarShare:
        return cls(
            id=str(row.id),
            owner_id=relay.GlobalID("User", str(row.owner_id)),
            delegate_id=relay.GlobalID("User", str(row.delegate_id)),
            can_edit=row.can_edit,
            row=row,
        )

    @strawberry.field(description="The calendar's owner.")
    async def owner(self, info: Info) -> User | None:
        return await User.load(info, self.row.owner_id)

    @strawberry.field(description="The delegate.")
    async def delegate(self, info: Info) -> User | None:
        return await User.load(info, self.row.delegate_id)


@strawberry.type(description="An iCalendar subscription URL of the viewer's calendar.")
class CalendarFeed(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="The viewer's label for it.")
    created_at: datetime = strawberry.field(description="When it was made.")
    last_used_at: datetime | None = strawberry.field(description="When a client last read it.")

    @classmethod
    def from_model(cls, row: m.CalendarFeed) -> CalendarFeed:
        return cls(
            id=str(row.id), name=row.name, created_at=row.created_at, last_used_at=row.last_used_at
        )


@strawberry.type(description="便签: a personal sticky note, seen by its owner alone.")
class Note(LoadedNode):
    id: relay.NodeID[str]
    text: str = strawberry.field(description="The note (at most 4000 characters).")
    colour: str = strawberry.field(description="Background colour, #RRGGBB.")
    pinned: bool = strawberry.field(description="Pinned notes come first.")
    version: int = strawberry.field(description="For `expectedVersion` in updates.")
    created_at: datetime = strawberry.field(description="When it was written.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    loader = r.NoteById

    @classmethod
    def from_model(cls, row: m.Note) -> Note:
        return cls(
            id=str(row.id),
            text=row.text,
            colour=row.colour,
            pinned=row.pinned,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type(
    description="An address-book entry beside the directory: the viewer's own, or shared with "
    "the whole tenant."
)
class Contact(LoadedNode):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="The person's name.")
    organisation: str = strawberry.field(description="Where she works.")
    title: str = strawberry.field(description="Her position.")
    phone: str = strawberry.field(description="Phone number.")
    email: str = strawberry.field(description="E-mail address.")
    remark: str = strawberry.field(description="Free text.")
    shared: bool = strawberry.field(description="In the tenant's address book (not personal).")
    version: int = strawberry.field(description="For `expectedVersion` in updates.")

    loader = r.ContactById

    @classmethod
    def from_model(cls, row: m.Contact) -> Contact:
        return cls(
            id=str(row.id),
            name=row.name,
            organisation=row.organisation,
            title=row.title,
            phone=row.phone,
            email=row.email,
            remark=row.remark,
            shared=row.owner_id is None,
            version=row.version,
        )


@strawberry.type(
    description="A department the viewer's tenant exchanges documents with (交换伙伴)."
)
class PartnerDepartment:
    tenant_id: relay.GlobalID = strawberry.field(description="The department's tenant.")
    code: str = strawberry.field(description="Its code.")
    name: str = strawberry.field(description="Its name.")
    relation: Relation | None = strawberry.field(description="Below, parent, or a partner pair.")

    @classmethod
    def of(cls, row: Tenant, relation: Relation | None) -> PartnerDepartment:
        return cls(
            tenant_id=relay.GlobalID("Tenant", str(row.id)),
            code=row.code,
            name=row.name,
            relation=relation,
        )
