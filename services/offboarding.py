"""Off-boarding (离职): it spans two domains (the directory deactivates the user, documents hand
their open tasks over), so it lives above both and neither of them imports the other."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor
from models.directory import User, UserStatus
from models.scope import TenantScope
from models.sso import PortalSession
from services.directory.common import manage, record, user_org_paths
from services.documents.actions import hand_over
from services.errors import Code, ServiceError, check_version, signed_in
from services.rows import locked
from services.uow import transaction
from subscriptions.topics import Topic


async def deprovision_user(
    actor: Actor | None,
    user_id: uuid.UUID | str,
    *,
    expected_version: int | None = None,
    deleted: bool = False,
) -> User:
    """The one way a person leaves (SCIM `active: false` or DELETE, or a pull sync that no longer
    sees them): the user is deactivated, never deleted, so their history stays; their browser
    sessions end. `deleted` (SCIM DELETE) also marks them deleted at the portal, which takes them
    out of SCIM. Idempotent."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        user = await locked(scope, User, user_id, _("User"), "id")
        manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        check_version(user.version, expected_version)
        if user.id == actor.user_id:
            raise ServiceError.of(Code.INVALID, _("You cannot deprovision yourself"), "id")
        mark = deleted and user.deleted_at is None
        if user.status == UserStatus.DEPROVISIONED and not mark:
            return user
        previous = user.status
        user.status = UserStatus.DEPROVISIONED
        user.deleted_at = work.now if deleted else user.deleted_at
        user.version += 1
        await user.save(update_fields=["status", "deleted_at", "version", "updated_at"])
        if previous == UserStatus.DEPROVISIONED:
            record(work, actor, Topic.USER_UPDATED, user, {"deletedAt": work.now.isoformat()})
            return user
        await (
            scope.query(PortalSession)
            .filter(user_id=user.id, revoked_at=None)
            .update(revoked_at=work.now, revoked_reason="deprovisioned")
        )
        await hand_over(work, user, "deprovisioned")
        data = {"from": previous.value, **({"deleted": True} if deleted else {})}
        record(work, actor, Topic.USER_DEPROVISIONED, user, data)
    return user
