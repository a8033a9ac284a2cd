"""Demo data of the personal office and public affairs in the city bureau: meeting rooms, a
car and a projector; the office director's weekly meeting (a recurring invitation with the
room booked for it); the leader's calendar shared with the clerk (授权); a pending car
booking; notes and a shared contact. Made once, relative to the next Monday."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from auth.viewer import actor_for
from models.access import Actor
from models.bookings import Resource, ResourceKind
from models.directory import User
from models.scope import TenantScope
from models.tenants import Tenant
from services.bookings import bookings, resources
from services.calendar import contacts, events, notes, shares

ZONE = ZoneInfo("Asia/Shanghai")
HOURS = [("08:00", "12:00"), ("13:30", "18:00")]


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day.date(), time(hour, minute), ZONE)


async def seed_office(tenant: Tenant) -> None:
    scope = TenantScope(tenant.id)
    if await scope.query(Resource).exists():
        return
    people = {u.username: u for u in await scope.query(User)}
    admin = await actor_for(scope, people["admin"], tenant)
    room, car = await _resources(admin)

    today = datetime.now(ZONE)
    monday = today + timedelta(days=7 - today.weekday())
    director = await actor_for(scope, people["li.na"], tenant)
    meeting = await events.create_event(
        director,
        title="办公室周例会 Weekly office meeting",
        starts_at=_at(monday, 9),
        ends_at=_at(monday, 10),
        rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=12",
        remind_minutes=15,
        attendee_ids=[people["zhang.wei"].id, people["wang.fang"].id],
    )
    await bookings.book(
        director,
        resource_id=room.id,
        title="办公室周例会",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        event_id=meeting.id,
    )
    leader = await actor_for(scope, people["chen.jun"], tenant)
    await shares.share_calendar(leader, delegate_id=people["zhang.wei"].id, can_edit=True)
    visit = monday + timedelta(days=2)
    await events.create_event(
        leader,
        title="赴海淀区调研 Visit to Haidian",
        starts_at=_at(visit, 14),
        ends_at=_at(visit, 17),
        location="海淀区科技和信息化局",
        remind_minutes=60,
    )
    await bookings.book(
        leader,
        resource_id=car.id,
        title="赴海淀区调研",
        starts_at=_at(visit, 13, 30),
        ends_at=_at(visit, 17, 30),
    )
    await notes.create_note(director, text="周五前报送安全生产检查材料", pinned=True)
    await notes.create_note(director, text="订下周二的小会议室", colour="#D7F5DD")
    await contacts.create_contact(
        admin,
        name="物业服务中心 Facilities",
        shared=True,
        phone="010-88880000",
        remark="24小时值班",
    )


async def _resources(admin: Actor) -> tuple[Resource, Resource]:
    """Two rooms, a car that needs approval and a projector; returns the big room and the car."""
    room = await resources.create_resource(
        admin,
        kind=ResourceKind.MEETING_ROOM,
        name="第一会议室 Room 1",
        location="办公楼三楼",
        capacity=20,
        attributes={"projector": True, "video": True},
        opening_hours=HOURS,
        open_weekdays=[0, 1, 2, 3, 4],
    )
    await resources.create_resource(
        admin,
        kind=ResourceKind.MEETING_ROOM,
        name="小会议室 Small room",
        capacity=6,
        opening_hours=HOURS,
    )
    car = await resources.create_resource(
        admin,
        kind=ResourceKind.VEHICLE,
        name="公务车 京A·12345",
        capacity=5,
        attributes={"seats": 5},
        requires_approval=True,
    )
    await resources.create_resource(admin, kind=ResourceKind.EQUIPMENT, name="便携投影仪 Projector")
    return room, car
