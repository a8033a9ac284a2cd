"""Reads of the personal office (个人辅助办公): calendar occurrences in a range (recurring
events expanded), invitations, shares (授权), feeds, notes (便签) and the address book.

An event is read by its owner, her invitees and those she shared her calendar with; a note by
its owner alone; a contact by its owner, or by everyone in the tenant when it is shared."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery

from i18n import _
from models.calendar import (
    CalendarAttendee,
    CalendarEvent,
    CalendarFeed,
    CalendarShare,
    Contact,
    EventStatus,
    Note,
    Response,
)
from models.tenants import Tenant
from resolvers.context import Context
from resolvers.dataloaders import ById, GroupedBy
from resolvers.pagination import Page, PageArgs, paginate
from services.calendar import ical, recurrence
from services.calendar.access import calendar_of
from services.errors import ServiceError
from services.exchange import partners

MAX_RANGE = timedelta(days=400)
NOTE_ORDER = ("pinned", "updated_at", "id")
CONTACT_ORDER = ("name", "id")


class CalendarEventById(ById[CalendarEvent]):
    """Events the viewer may read: her own, her invitations, and those of calendars shared
    with her."""

    model = CalendarEvent

    async def batch_load(self, keys: list[uuid.UUID]) -> list[CalendarEvent | None]:
        rows = await super().batch_load(keys)
        actor, scope = self.ctx.actor, self.ctx.scope
        if actor is None or scope is None:
            return [None] * len(keys)
        others = {r.id for r in rows if r is not None and r.owner_id != actor.user_id}
        invited = (
            set(
                await scope.query(CalendarAttendee)
                .filter(event_id__in=others, user_id=actor.user_id)
                .values_list("event_id", flat=True)
            )
            if others
            else set()
        )
        owners = (
            set(
                await scope.query(CalendarShare)
                .filter(delegate_id=actor.user_id)
                .values_list("owner_id", flat=True)
            )
            if others - invited
            else set()
        )
        return [
            r
            if r is not None and (r.id not in others or r.id in invited or r.owner_id in owners)
            else None
            for r in rows
        ]


class AttendeesByEvent(GroupedBy[CalendarAttendee]):
    model, key, order = CalendarAttendee, "event_id", ("created_at", "id")


class NoteById(ById[Note]):
    model = Note

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Note | None]:
        me = self.ctx.actor.user_id if self.ctx.actor else None
        return [
            r if r is not None and r.owner_id == me else None
            for r in await super().batch_load(keys)
        ]


class ContactById(ById[Contact]):
    model = Contact

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Contact | None]:
        me = self.ctx.actor.user_id if self.ctx.actor else None
        return [
            r if r is not None and r.owner_id in (None, me) else None
            for r in await super().batch_load(keys)
        ]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event in a range; `my_response` is the calendar owner's answer
    when she is invited rather than the organiser."""

    event: CalendarEvent
    starts_at: datetime
    ends_at: datetime
    my_response: Response | None


async def owner_of(ctx: Context, owner_id: Any, *, edit: bool = False) -> uuid.UUID:
    """Whose calendar the viewer reads: ValueError when she may not."""
    if ctx.actor is None or ctx.scope is None:
        raise ValueError(_("Sign in first"))
    try:
        return await calendar_of(ctx.scope, ctx.actor, owner_id, edit=edit)
    except ServiceError as error:
        raise ValueError(error.problems[0].message) from None


async def occurrences(
    ctx: Context, since: datetime, until: datetime, owner_id: Any = None
) -> list[Occurrence]:
    """The occurrences of the owner's events and invitations (not declined, not cancelled)
    that overlap [since, until), in time order."""
    if until <= since or until - since > MAX_RANGE:
        raise ValueError(_("Ask for a range of up to 400 days, `from` before `to`"))
    owner = await owner_of(ctx, owner_id)
    scope = ctx.tenant_scope
    answers = {
        row.event_id: row.response
        for row in await scope.query(CalendarAttendee).filter(user_id=owner)
    }
    invited = [k for k, v in answers.items() if v is not Response.DECLINED]
    events = await (
        scope.query(CalendarEvent)
        .filter(Q(owner_id=owner) | Q(id__in=invited), status=EventStatus.ACTIVE)
        .filter(starts_at__lt=until)
        .filter(Q(last_ends_at=None) | Q(last_ends_at__gt=since))
    )
    found = [
        Occurrence(e, start, end, answers.get(e.id) if e.owner_id != owner else None)
        for e in events
        for start, end in recurrence.between(
            e.starts_at, e.ends_at, e.rrule, e.timezone, since, until
        )
    ]
    return sorted(found, key=lambda o: (o.starts_at, o.event.id))


async def invitations(ctx: Context, pending_only: bool, page: PageArgs) -> Page[CalendarAttendee]:
    """The viewer's invitations to events still active, newest first."""
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    query = ctx.tenant_scope.query(CalendarAttendee).filter(user_id=me)
    active = Subquery(
        ctx.tenant_scope.query(CalendarEvent).filter(status=EventStatus.ACTIVE).values("id")
    )
    query = query.filter(event_id__in=active)
    if pending_only:
        query = query.filter(response=Response.NEEDS_ACTION)
    return await paginate(query, ("created_at", "id"), page, ctx.max_page, descending=True)


async def shares(ctx: Context) -> list[CalendarShare]:
    """Shares of the viewer's calendar and shares of others' with her."""
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    return list(
        await ctx.tenant_scope.query(CalendarShare)
        .filter(Q(owner_id=me) | Q(delegate_id=me))
        .order_by("created_at", "id")
    )


async def feeds(ctx: Context) -> list[CalendarFeed]:
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    return list(
        await ctx.tenant_scope.query(CalendarFeed)
        .filter(user_id=me, revoked_at=None)
        .order_by("created_at", "id")
    )


async def ics(ctx: Context, owner_id: Any) -> str:
    owner = await owner_of(ctx, owner_id)
    return (await ical.render(ctx.tenant_scope, owner, datetime.now(UTC))).decode()


async def notes(ctx: Context, search: str | None, page: PageArgs) -> Page[Note]:
    """The viewer's notes, pinned first, then the most recently changed."""
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    query = ctx.tenant_scope.query(Note).filter(owner_id=me)
    if search:
        query = query.filter(text__icontains=search)
    return await paginate(query, NOTE_ORDER, page, ctx.max_page, descending=True)


async def contacts(
    ctx: Context, search: str | None, shared: bool | None, page: PageArgs
) -> Page[Contact]:
    """The viewer's own contacts and the tenant's shared ones, by name."""
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    mine, tenant = Q(owner_id=me), Q(owner_id=None)
    reach = mine | tenant if shared is None else tenant if shared else mine
    query = ctx.tenant_scope.query(Contact).filter(reach)
    if search:
        query = query.filter(
            Q(name__icontains=search)
            | Q(organisation__icontains=search)
            | Q(phone__icontains=search)
            | Q(email__icontains=search)
        )
    return await paginate(query, CONTACT_ORDER, page, ctx.max_page)


async def partner_departments(
    ctx: Context, search: str | None
) -> list[tuple[Tenant, partners.Relation | None]]:
    """The departments the viewer's tenant exchanges documents with (交换伙伴)."""
    if ctx.viewer is None:
        return []
    sender = ctx.viewer.tenant
    query = partners.recipients_of(sender)
    if search:
        query = query.filter(Q(name__icontains=search) | Q(code__icontains=search))
    rows = await query.limit(200)
    paired = await partners.paired_with(sender.id)
    return [(row, partners.relation(sender, row, paired)) for row in rows]
