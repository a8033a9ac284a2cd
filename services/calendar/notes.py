"""便签: personal sticky notes, seen by their owner alone."""

from __future__ import annotations

import re
import uuid

from i18n import _
from models.access import Actor
from models.calendar import Note
from models.scope import TenantScope
from services.errors import Code, check_version, not_found, signed_in
from services.inputs import KEEP, Checks, apply_changes
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_TEXT = 4000


def _check(checks: Checks, text: str | None, colour: str | None) -> str | None:
    if text is not None:
        text = checks.text(text, "text", max_length=MAX_TEXT)
    if colour is not None and not COLOUR_RE.match(colour):
        checks.fail(Code.INVALID, _("colour is #RRGGBB"), "colour")
    return text


def _emit(work: Work, note: Note, action: str) -> None:
    work.audit(note.tenant_id, f"note.{action}", "Note", note.id, {})
    work.emit(
        note.tenant_id,
        Topic.NOTE_CHANGED,
        {
            "noteId": global_id("Note", note.id),
            "action": action,
            "userIds": [global_id("User", note.owner_id)],
        },
    )


async def create_note(
    actor: Actor | None, *, text: str, colour: str | None = None, pinned: bool = False
) -> Note:
    actor = signed_in(actor)
    with Checks() as checks:
        text = _check(checks, text, colour) or ""
    async with transaction(actor) as work:
        note = await TenantScope(actor.tenant_id).create(
            Note,
            owner_id=actor.user_id,
            text=text,
            colour=(colour or "#FFF4B8").upper(),
            pinned=pinned,
        )
        _emit(work, note, "created")
    return note


async def _mine(scope: TenantScope, actor: Actor, id: uuid.UUID | str) -> Note:
    note = (
        await scope.query(Note).filter(id=id, owner_id=actor.user_id).select_for_update().first()
        if isinstance(id, uuid.UUID)
        else None
    )
    if note is None:
        raise not_found(_("Note"), "id")
    return note


async def update_note(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    text: str = KEEP,
    colour: str = KEEP,
    pinned: bool = KEEP,
    expected_version: int | None = None,
) -> Note:
    actor = signed_in(actor)
    with Checks() as checks:
        text = _check(checks, text if text is not KEEP else None, colour or None) or KEEP
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        note = await _mine(scope, actor, id)
        check_version(note.version, expected_version)
        apply_changes(note, text=text, colour=colour.upper() if colour else KEEP, pinned=pinned)
        note.version += 1
        await note.save()
        _emit(work, note, "updated")
    return note


async def delete_note(actor: Actor | None, *, id: uuid.UUID | str) -> Note:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        note = await _mine(scope, actor, id)
        await note.delete()
        _emit(work, note, "deleted")
    return note
