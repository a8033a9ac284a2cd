"""Off-boarding (离职): it spans two domains (the directory deactivates the user, documents hand
their open tasks over), so it lives above both and neither of them imports the other."""

from __future__ import annotations

import uuid

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
    actor: Actor | None, user_id: uuid.UUID | str, *, expected_version: int | None = None
) -> User:
    """The one way a person leaves (SCIM `active: false` or DELETE, or a pull sync that no longer
    sees them): the user is deactivated, never deleted, so their history stays; their browser
    sessions end. Idempotent."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        user = await locked(scope, User, user_id, "User", "id")
        manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        check_version(user.version, expected_version)
        if user.id == actor.user_id:
            raise ServiceError.of(Code.INVALID, "You cannot deprovision yourself", "id")
        if user.status == UserStatus.DEPROVISIONED:
            return user
        previous = user.status
        user.status = UserStatus.DEPROVISIONED
        user.version += 1
        await user.save(update_fields=["status", "version", "updated_at"])
        await (
            scope.query(PortalSession)
            .filter(user_id=user.id, revoked_at=None)
            .update(revoked_at=work.now, revoked_reason="deprovisioned")
        )
        await hand_over(work, user, "deprovisioned")
        record(work, actor, Topic.USER_DEPROVISIONED, user, {"from": previous.value})
    return user
