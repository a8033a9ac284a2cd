"""iCalendar (RFC 5545) export of a user's calendar, through the `icalendar` package, and the
subscription feeds that serve it at a secret URL (`GET /calendar/feeds/{token}.ics`, see
`server/calendar.py`): the secret is shown once and kept as its SHA-256; revoking a feed makes
its URL answer 404."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from tortoise.expressions import Q, Subquery

from i18n import _
from models.access import Actor
from models.calendar import CalendarAttendee, CalendarEvent, CalendarFeed, EventStatus, Response
from models.directory import User, UserStatus
from models.scope import TenantScope, across_tenants
from models.tenants import Tenant, TenantStatus
from services.errors import Code, ServiceError, not_found, signed_in
from services.uow import transaction
from subscriptions.topics import global_id

PRODID = "-//Officecloud//Personal office//ZH"
#: how far back a feed reaches (events that ended before are left out).
HISTORY = timedelta(days=180)
PARTSTAT = {
    Response.NEEDS_ACTION: "NEEDS-ACTION",
    Response.ACCEPTED: "ACCEPTED",
    Response.DECLINED: "DECLINED",
    Response.TENTATIVE: "TENTATIVE",
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _address(user: User) -> str:
    return f"mailto:{user.email}" if user.email else f"urn:uuid:{user.id}"


def _person(kind: type[icalendar.vCalAddress], user: User) -> icalendar.vCalAddress:
    address = kind(_address(user))
    address.params["CN"] = user.display_name
    return address


async def render(scope: TenantScope, owner_id: uuid.UUID, now: datetime) -> bytes:
    """The owner's events and invitations (ending after `now` − 180 days) as one VCALENDAR."""
    invited = Subquery(scope.query(CalendarAttendee).filter(user_id=owner_id).values("event_id"))
    events = await (
        scope.query(CalendarEvent)
        .filter(Q(owner_id=owner_id) | Q(id__in=invited))
        .filter(Q(last_ends_at=None) | Q(last_ends_at__gt=now - HISTORY))
        .order_by("starts_at", "id")
    )
    attendees = await scope.query(CalendarAttendee).filter(event_id__in=[e.id for e in events])
    user_ids = {e.owner_id for e in events} | {a.user_id for a in attendees} | {owner_id}
    users = {u.id: u for u in await scope.query(User).filter(id__in=user_ids)}
    calendar = icalendar.Calendar()
    # Property names ignore case (icalendar writes them upper-cased): see docs/testing.md.
    calendar.add("prodid", PRODID)  # pragma: no mutate
    calendar.add("version", "2.0")  # pragma: no mutate
    calendar.add(
        "x-wr-calname",  # pragma: no mutate
        f"{users[owner_id].display_name} 日程",
    )
    for event in events:
        calendar.add_component(
            _vevent(event, [a for a in attendees if a.event_id == event.id], users, now)
        )
    return bytes(calendar.to_ical())


def _vevent(
    event: CalendarEvent,
    attendees: list[CalendarAttendee],
    users: dict[uuid.UUID, User],
    now: datetime,
) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"{event.id}@officecloud")
    item.add("dtstamp", now)
    item.add("sequence", event.version - 1)
    item.add("summary", event.title)
    if event.all_day:
        zone = ZoneInfo(event.timezone)
        item.add("dtstart", event.starts_at.astimezone(zone).date())
        item.add("dtend", event.ends_at.astimezone(zone).date())
    else:
        item.add("dtstart", event.starts_at.astimezone(UTC))
        item.add("dtend", event.ends_at.astimezone(UTC))
    if event.location:
        item.add("location", event.location)
    if event.description:
        item.add("description", event.description)
    if event.rrule:
        item.add("rrule", icalendar.vRecur.from_ical(event.rrule.removeprefix("RRULE:")))
    item.add("status", "CANCELLED" if event.status is EventStatus.CANCELLED else "CONFIRMED")
    item.add("organizer", _person(icalendar.vCalAddress, users[event.owner_id]))
    for attendee in attendees:
        address = _person(icalendar.vCalAddress, users[attendee.user_id])
        address.params["PARTSTAT"] = PARTSTAT[attendee.response]
        address.params["ROLE"] = "REQ-PARTICIPANT"
        item.add("attendee", address)
    if event.remind_minutes is not None:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", timedelta(minutes=-event.remind_minutes))
        item.add_component(alarm)
    return item


async def create_feed(actor: Actor | None, *, name: str | None = None) -> tuple[CalendarFeed, str]:
    """A new subscription URL of the actor's calendar; the token is returned only here."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    label = (name or "").strip()
    if len(label) > 100:
        raise ServiceError.of(Code.TOO_LONG, _("name is longer than 100 characters"), "name")
    token = secrets.token_urlsafe(32)
    async with transaction(actor) as work:
        feed = await scope.create(
            CalendarFeed, user_id=actor.user_id, name=label, token_hash=token_hash(token)
        )
        work.audit(
            actor.tenant_id, "calendar.feed_created", "CalendarFeed", feed.id, {"name": label}
        )
    return feed, token


async def revoke_feed(actor: Actor | None, *, id: uuid.UUID | str) -> CalendarFeed:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        feed = await scope.get(CalendarFeed, id) if isinstance(id, uuid.UUID) else None
        if feed is None or feed.user_id != actor.user_id or feed.revoked_at is not None:
            raise not_found(_("Feed"), "id")
        feed.revoked_at = work.now
        await feed.save(update_fields=["revoked_at", "updated_at"])
        work.audit(
            actor.tenant_id,
            "calendar.feed_revoked",
            "CalendarFeed",
            feed.id,
            {"id": global_id("CalendarFeed", feed.id)},
        )
    return feed


async def feed_body(token: str, now: datetime | None = None) -> bytes | None:
    """The calendar a feed token opens, or None (unknown or revoked token, the user no longer
    active, the tenant suspended)."""
    now = now or datetime.now(UTC)
    feed = await across_tenants(CalendarFeed).get_or_none(
        token_hash=token_hash(token), revoked_at=None
    )
    if feed is None:
        return None
    tenant = await Tenant.get_or_none(id=feed.tenant_id)
    if tenant is None or tenant.status != TenantStatus.ACTIVE:
        return None
    scope = TenantScope(feed.tenant_id)
    user = await scope.get(User, feed.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return None
    await scope.query(CalendarFeed).filter(id=feed.id).update(last_used_at=now)
    return await render(scope, feed.user_id, now)
