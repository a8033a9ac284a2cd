"""Personal office mutations (个人辅助办公), one module each."""

from __future__ import annotations

import strawberry

from schema.calendar.mutations.cancel_calendar_event import cancel_calendar_event
from schema.calendar.mutations.create_calendar_event import create_calendar_event
from schema.calendar.mutations.create_calendar_feed import create_calendar_feed
from schema.calendar.mutations.create_contact import create_contact
from schema.calendar.mutations.create_note import create_note
from schema.calendar.mutations.delete_contact import delete_contact
from schema.calendar.mutations.delete_note import delete_note
from schema.calendar.mutations.respond_to_invitation import respond_to_invitation
from schema.calendar.mutations.revoke_calendar_feed import revoke_calendar_feed
from schema.calendar.mutations.share_calendar import share_calendar
from schema.calendar.mutations.unshare_calendar import unshare_calendar
from schema.calendar.mutations.update_calendar_event import update_calendar_event
from schema.calendar.mutations.update_contact import update_contact
from schema.calendar.mutations.update_note import update_note


@strawberry.type
class CalendarMutation:
    create_calendar_event = create_calendar_event
    update_calendar_event = update_calendar_event
    cancel_calendar_event = cancel_calendar_event
    respond_to_invitation = respond_to_invitation
    share_calendar = share_calendar
    unshare_calendar = unshare_calendar
    create_calendar_feed = create_calendar_feed
    revoke_calendar_feed = revoke_calendar_feed
    create_note = create_note
    update_note = update_note
    delete_note = delete_note
    create_contact = create_contact
    update_contact = update_contact
    delete_contact = delete_contact
