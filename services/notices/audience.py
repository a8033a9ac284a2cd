"""Who a notice reaches: the whole tenant, or chosen org units (and the units below them) and
roles; and the one read rule every path that shows a notice goes through."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.access import Actor, Permission
from models.directory import Membership, OrgUnit, RoleAssignment, User, UserStatus
from models.notices import Notice, NoticeStatus, NoticeTarget, TargetKind
from models.scope import TenantScope


def path_ids(path: str) -> list[uuid.UUID]:
    """The org units on a materialised path (`/<hex>/…/<hex>/`), from the root down."""
    return [uuid.UUID(hex=part) for part in path.strip("/").split("/") if part]


def manages(actor: Actor) -> bool:
    return actor.has(Permission.NOTICES_PUBLISH) or actor.has(Permission.TENANT_ADMIN)


@dataclass(frozen=True)
class Reach:
    """The targets that reach one user: her units with every unit above them, and her roles."""

    target_ids: frozenset[uuid.UUID]


async def reach(scope: TenantScope, user_id: uuid.UUID) -> Reach:
    paths = (
        await scope.query(OrgUnit)
        .filter(
            id__in=Subquery(scope.query(Membership).filter(user_id=user_id).values("org_unit_id"))
        )
        .values_list("path", flat=True)
    )
    roles = (
        await scope.query(RoleAssignment).filter(user_id=user_id).values_list("role_id", flat=True)
    )
    units = {unit for path in paths for unit in path_ids(str(path))}
    return Reach(frozenset(units | {uuid.UUID(str(r)) for r in roles}))


def in_force(query: QuerySet[Notice], now: datetime) -> QuerySet[Notice]:
    """Published notices within their validity period."""
    return query.filter(
        Q(valid_from=None) | Q(valid_from__lte=now),
        Q(valid_until=None) | Q(valid_until__gt=now),
        status=NoticeStatus.PUBLISHED,
    )


def published_to(scope: TenantScope, found: Reach, now: datetime) -> QuerySet[Notice]:
    """The notices in force that were published to a user of this reach."""
    targeted = Subquery(
        scope.query(NoticeTarget).filter(target_id__in=list(found.target_ids)).values("notice_id")
    )
    return in_force(scope.query(Notice), now).filter(Q(to_everyone=True) | Q(id__in=targeted))


def visible(actor: Actor, found: Reach, now: datetime) -> QuerySet[Notice]:
    """What `actor` may open: what was published to her, her own notices, and every notice
    for those who manage them."""
    scope = TenantScope(actor.tenant_id)
    if manages(actor):
        return scope.query(Notice)
    targeted = Subquery(
        scope.query(NoticeTarget).filter(target_id__in=list(found.target_ids)).values("notice_id")
    )
    published = Q(
        Q(valid_from=None) | Q(valid_from__lte=now),
        Q(valid_until=None) | Q(valid_until__gt=now),
        Q(to_everyone=True) | Q(id__in=targeted),
        status=NoticeStatus.PUBLISHED,
    )
    return scope.query(Notice).filter(published | Q(author_id=actor.user_id))


async def recipients(scope: TenantScope, notice: Notice) -> list[User]:
    """The active users a notice reaches now (for receipts and reminders)."""
    return (await recipients_of(scope, [notice]))[notice.id]


async def recipients_of(scope: TenantScope, notices: list[Notice]) -> dict[uuid.UUID, list[User]]:
    """`recipients` of several notices in a fixed number of statements: the tenant's active
    users, where each belongs and what each holds, matched with each notice's targets."""
    users = await scope.query(User).filter(status=UserStatus.ACTIVE).order_by("display_name", "id")
    if all(n.to_everyone for n in notices):
        return {n.id: list(users) for n in notices}
    targets: dict[uuid.UUID, set[uuid.UUID]] = {n.id: set() for n in notices}
    for notice_id, target_id in (
        await scope.query(NoticeTarget)
        .filter(notice_id__in=[n.id for n in notices])
        .values_list("notice_id", "target_id")
    ):
        targets[notice_id].add(target_id)
    reached: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for user_id, path in (
        await scope.query(Membership)
        .filter(user_id__in=[u.id for u in users])
        .values_list("user_id", "org_unit__path")
    ):
        reached[user_id].update(path_ids(str(path)))
    for user_id, role_id in await scope.query(RoleAssignment).values_list("user_id", "role_id"):
        reached[user_id].add(role_id)
    return {
        n.id: [u for u in users if n.to_everyone or reached[u.id] & targets[n.id]] for n in notices
    }


def target_rows(
    notice_id: uuid.UUID, units: Iterable[uuid.UUID], roles: Iterable[uuid.UUID]
) -> list[NoticeTarget]:
    return [
        *(NoticeTarget(notice_id=notice_id, kind=TargetKind.UNIT, target_id=u) for u in units),
        *(NoticeTarget(notice_id=notice_id, kind=TargetKind.ROLE, target_id=r) for r in roles),
    ]
