"""Whose calendar an actor may read or change: her own, and a leader's that was shared with
her (授权: view, or view and edit)."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor
from models.calendar import CalendarAttendee, CalendarEvent, CalendarShare
from models.scope import TenantScope
from services.errors import Code, ServiceError, not_found


async def shared_with(
    scope: TenantScope, owner_id: uuid.UUID, delegate_id: uuid.UUID
) -> CalendarShare | None:
    return await scope.query(CalendarShare).get_or_none(owner_id=owner_id, delegate_id=delegate_id)


async def calendar_of(
    scope: TenantScope,
    actor: Actor,
    owner_id: uuid.UUID | str | None,
    *,
    edit: bool,
    field: str = "ownerId",
) -> uuid.UUID:
    """The owner whose calendar `actor` works on: herself when `owner_id` is None; another
    user only through a share (editing needs an editing share). A calendar not shared with
    her is NOT_FOUND."""
    if owner_id is None or owner_id == actor.user_id:
        return actor.user_id
    if not isinstance(owner_id, uuid.UUID):
        raise not_found(_("Calendar"), field)
    share = await shared_with(scope, owner_id, actor.user_id)
    if share is None:
        raise not_found(_("Calendar"), field)
    if edit and not share.can_edit:
        raise ServiceError.of(
            Code.FORBIDDEN, _("That calendar is shared with you to view only"), field
        )
    return owner_id


async def readable_event(scope: TenantScope, actor: Actor, event: CalendarEvent | None) -> bool:
    """The owner, her delegates and the invitees see an event."""
    if event is None:
        return False
    if event.owner_id == actor.user_id:
        return True
    if (
        await scope.query(CalendarAttendee)
        .filter(event_id=event.id, user_id=actor.user_id)
        .exists()
    ):
        return True
    return await shared_with(scope, event.owner_id, actor.user_id) is not None


async def editable_event(
    scope: TenantScope, actor: Actor, event_id: uuid.UUID | str | None
) -> CalendarEvent:
    """The event locked for change, if `actor` owns it or edits its owner's calendar."""
    event = (
        await scope.query(CalendarEvent).filter(id=event_id).select_for_update().first()
        if isinstance(event_id, uuid.UUID)
        else None
    )
    if event is None or not await readable_event(scope, actor, event):
        raise not_found(_("Event"), "id")
    await calendar_of(scope, actor, event.owner_id, edit=True, field="id")
    return event
