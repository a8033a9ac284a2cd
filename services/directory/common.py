"""What the directory's use cases share: who may manage what (分级管理), how a change is
recorded, and the lookups other domains use (active users by name, a user's org-unit paths)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from i18n import _
from models.access import Actor, Permission
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User, UserStatus
from models.scope import TenantScope
from services.errors import Code, ServiceError, require
from services.inputs import parse_id
from services.uow import Work
from subscriptions.topics import Topic, global_id


def unit_path(parent: OrgUnit | None, unit_id: uuid.UUID) -> str:
    return f"{parent.path if parent else '/'}{unit_id.hex}/"


def manage(
    actor: Actor | None, *, paths: Iterable[str] = (), user_id: uuid.UUID | None = None
) -> Actor:
    return require(actor, Permission.DIRECTORY_MANAGE, org_paths=tuple(paths), user_id=user_id)


async def user_org_paths(scope: TenantScope, user_id: uuid.UUID) -> tuple[str, ...]:
    rows = (
        await scope.query(Membership)
        .filter(user_id=user_id)
        .values_list("org_unit__path", flat=True)
    )
    return tuple(str(p) for p in rows)


async def keep_an_administrator(
    scope: TenantScope, field: str, *, user_id: uuid.UUID, assignment_id: uuid.UUID | None = None
) -> None:
    """Refuse a change that leaves the tenant without an active administrator: `user_id` loses
    the assignment `assignment_id`, or, with none named, stops being active. Whoever manages a
    unit could otherwise lock every tenant administrator out."""
    roles = [
        r.id for r in await scope.query(Role) if Permission.TENANT_ADMIN.value in r.permissions
    ]
    held = scope.query(RoleAssignment).filter(role_id__in=roles, user__status=UserStatus.ACTIVE)
    if assignment_id is None:
        losing, rest = held.filter(user_id=user_id), held.exclude(user_id=user_id)
    else:
        losing, rest = held.filter(id=assignment_id), held.exclude(id=assignment_id)
    if await losing.exists() and not await rest.exists():
        raise ServiceError.of(
            Code.INVALID_STATE, _("A tenant keeps at least one active administrator"), field
        )


async def active_user_ids(scope: TenantScope, names: Iterable[str]) -> dict[str, str]:
    """Active users named by id or username: {name: user id}, in the order given."""
    names = list(names)
    ids = [k for n in names if (k := parse_id(n))]
    usernames = [n for n in names if parse_id(n) is None]
    rows = (
        await scope.query(User)
        .filter(Q(id__in=ids) | Q(username__in=usernames), status=UserStatus.ACTIVE)
        .values_list("id", "username")
    )
    known = {str(i): str(i) for i, _ in rows} | {str(u): str(i) for i, u in rows}
    return {n: known[n] for n in names if n in known}


async def save_new(awaitable: Any, field: str) -> Any:
    """The database's unique constraints decide races our pre-checks cannot."""
    try:
        return await awaitable
    except IntegrityError as exc:
        raise ServiceError.of(
            Code.DUPLICATE, _("The {field} is already taken", field=field), field
        ) from exc


def record(work: Work, actor: Actor, topic: Topic, row: Any, data: dict[str, Any]) -> None:
    """Audit entry `<thing>.<what>` and event `directory.<thing>.<what>`."""
    kind = type(row).__name__
    clean = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()}
    work.audit(actor.tenant_id, topic.removeprefix("directory."), kind, row.id, clean)
    work.emit(actor.tenant_id, topic, {"id": global_id(kind, row.id), "type": kind})
