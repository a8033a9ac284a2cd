"""What the personal office mutations answer."""

from __future__ import annotations

import strawberry

from models import calendar as m
from schema.calendar.types import CalendarEvent, CalendarFeed, CalendarShare, Contact, Note
from schema.errors import UserError, user_errors
from schema.mutations import Outcome


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class CalendarEventPayload:
    event: CalendarEvent | None = strawberry.field(description="The event as it is now.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.CalendarEvent]) -> CalendarEventPayload:
        row, problems = outcome
        return cls(
            event=CalendarEvent.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class CalendarSharePayload:
    share: CalendarShare | None = strawberry.field(description="The share (as it was, if revoked).")
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.CalendarShare]) -> CalendarSharePayload:
        row, problems = outcome
        return cls(
            share=CalendarShare.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class CalendarFeedPayload:
    feed: CalendarFeed | None = strawberry.field(description="The feed.")
    url: str | None = strawberry.field(
        description="The subscription URL with its secret, shown only when the feed is made; "
        "anyone with it reads the calendar until the feed is revoked."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class NotePayload:
    note: Note | None = strawberry.field(description="The note (as it was, if deleted).")
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.Note]) -> NotePayload:
        row, problems = outcome
        return cls(note=Note.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(description="What a mutation changed, or why it changed nothing.")
class ContactPayload:
    contact: Contact | None = strawberry.field(description="The contact (as it was, if deleted).")
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.Contact]) -> ContactPayload:
        row, problems = outcome
        return cls(contact=Contact.from_model(row) if row else None, errors=user_errors(problems))
