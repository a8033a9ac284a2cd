"""授权: a leader shares her calendar with a secretary, to view or to view and edit."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor
from models.calendar import CalendarShare
from models.directory import User, UserStatus
from models.scope import TenantScope
from services.errors import Code, ServiceError, not_found, signed_in
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id


def _emit(work: Work, share: CalendarShare, action: str) -> None:
    work.audit(
        share.tenant_id,
        f"calendar.share_{action}",
        "CalendarShare",
        share.id,
        {"delegate": str(share.delegate_id), "canEdit": share.can_edit},
    )
    work.emit(
        share.tenant_id,
        Topic.CALENDAR_SHARED,
        {
            "shareId": global_id("CalendarShare", share.id),
            "action": action,
            "canEdit": share.can_edit,
            "userIds": [global_id("User", share.owner_id), global_id("User", share.delegate_id)],
        },
    )


async def share_calendar(
    actor: Actor | None, *, delegate_id: uuid.UUID | str, can_edit: bool = False
) -> CalendarShare:
    """Let `delegate_id` see (and with `can_edit` change) the actor's calendar; sharing again
    changes what she may do."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    delegate = await scope.get(User, delegate_id) if isinstance(delegate_id, uuid.UUID) else None
    if delegate is None or delegate.status != UserStatus.ACTIVE:
        raise not_found(_("User"), "delegateId")
    if delegate.id == actor.user_id:
        raise ServiceError.of(Code.INVALID, _("Your calendar is yours already"), "delegateId")
    async with transaction(actor) as work:
        share = (
            await scope.query(CalendarShare)
            .filter(owner_id=actor.user_id, delegate_id=delegate.id)
            .select_for_update()
            .first()
        )
        if share is None:
            share = await scope.create(
                CalendarShare, owner_id=actor.user_id, delegate_id=delegate.id, can_edit=can_edit
            )
            _emit(work, share, "granted")
        elif share.can_edit != can_edit:
            share.can_edit = can_edit
            await share.save(update_fields=["can_edit", "updated_at"])
            _emit(work, share, "changed")
    return share


async def unshare_calendar(actor: Actor | None, *, id: uuid.UUID | str) -> CalendarShare:
    """Withdraw a share (the owner), or give it up (the delegate)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        share = await scope.get(CalendarShare, id) if isinstance(id, uuid.UUID) else None
        if share is None or actor.user_id not in (share.owner_id, share.delegate_id):
            raise not_found(_("Share"), "id")
        await share.delete()
        _emit(work, share, "revoked")
    return share
