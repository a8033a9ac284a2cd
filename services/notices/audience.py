"""Who a notice reaches: the whole tenant, or chosen org units (and the units below them) and
roles; and the one read rule every path that shows a notice goes through."""

from __future__ import annotations

import uuid
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
    users = scope.query(User).filter(status=UserStatus.ACTIVE)
    if notice.to_everyone:
        return await users.order_by("display_name", "id")
    targets = await scope.query(NoticeTarget).filter(notice_id=notice.id)
    roles = [t.target_id for t in targets if t.kind is TargetKind.ROLE]
    units = [t.target_id for t in targets if t.kind is TargetKind.UNIT]
    paths = await scope.query(OrgUnit).filter(id__in=units).values_list("path", flat=True)
    below = Q(id__in=[uuid.UUID(int=0)])
    for path in paths:
        below |= Q(path__startswith=path)
    in_units = Subquery(
        scope.query(Membership)
        .filter(org_unit_id__in=Subquery(scope.query(OrgUnit).filter(below).values("id")))
        .values("user_id")
    )
    holding = Subquery(scope.query(RoleAssignment).filter(role_id__in=roles).values("user_id"))
    return await users.filter(Q(id__in=in_units) | Q(id__in=holding)).order_by("display_name", "id")


def target_rows(
    notice_id: uuid.UUID, units: Iterable[uuid.UUID], roles: Iterable[uuid.UUID]
) -> list[NoticeTarget]:
    return [
        *(NoticeTarget(notice_id=notice_id, kind=TargetKind.UNIT, target_id=u) for u in units),
        *(NoticeTarget(notice_id=notice_id, kind=TargetKind.ROLE, target_id=r) for r in roles),
    ]
