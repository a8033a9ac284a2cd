"""The org units of a directory pull: units are matched by the portal's group id (kept as the
unit's external id), created parents first, renamed, moved, and archived when the portal no
longer lists them (`services.directory.archive_org_unit`: children and members move up)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from models.access import Actor
from models.base import new_id
from models.directory import OrgUnit
from models.scope import TenantScope
from services.directory import archive_org_unit, move_org_unit, unit_path
from services.uow import transaction


@dataclass(frozen=True)
class SourceUnit:
    key: str
    """The portal's id of the group; kept as the org unit's external id."""
    name: str
    parent_key: str | None
    member_keys: tuple[str, ...] = ()
    """The portal's ids of the group's members (`Group.members`)."""


@dataclass
class UnitCounts:
    created: int = 0
    updated: int = 0
    archived: int = 0
    members_moved: int = 0


async def pull_units(
    actor: Actor, scope: TenantScope, root: OrgUnit, units: list[SourceUnit], counts: UnitCounts
) -> dict[str, uuid.UUID]:
    """Org units by the portal's key, created parents first; renamed ones updated (an archived
    one listed again comes back), moved ones re-hung under their new parent."""
    rows = {
        u.external_id: u
        for u in await scope.query(OrgUnit).filter(external_id__not_isnull=True)
        if u.external_id
    }
    order = _parents_first(units)
    place = {u.key: i for i, u in enumerate(order)}

    def parent_of(unit: SourceUnit) -> OrgUnit:
        """Its listed parent, placed before it: where a cycle was cut, the root."""
        key = unit.parent_key
        found = rows.get(key) if key in place and place[key] < place[unit.key] else None
        return found or root

    async with transaction(actor) as work:
        created: list[OrgUnit] = []
        changed: list[OrgUnit] = []
        for unit in order:
            row = rows.get(unit.key)
            if row is None:
                row = rows[unit.key] = _new_unit(actor, parent_of(unit), unit)
                created.append(row)
                data = {"name": unit.name, "source": "pull"}
                work.audit(actor.tenant_id, "org_unit.created", "OrgUnit", row.id, data)
                counts.created += 1
            elif row.name != unit.name[:200] or row.archived_at is not None:
                changes: dict[str, Any] = {"name": unit.name[:200], "source": "pull"}
                if row.archived_at is not None:
                    changes["archivedAt"] = None
                row.name, row.archived_at = unit.name[:200], None
                row.version += 1
                changed.append(row)
                work.audit(actor.tenant_id, "org_unit.updated", "OrgUnit", row.id, changes)
                counts.updated += 1
        if created:
            await scope.bulk_create(OrgUnit, created, batch_size=1000)
        if changed:
            fields = ["name", "archived_at", "version"]
            await OrgUnit.bulk_update(changed, fields=fields, batch_size=1000)
    for unit in order:
        row, parent = rows[unit.key], parent_of(unit)
        if row.parent_id != parent.id and row.id != root.id:
            rows[unit.key] = await move_org_unit(actor, id=row.id, new_parent_id=parent.id)
            counts.updated += 1
    return {key: row.id for key, row in rows.items()}


async def archive_unlisted(
    actor: Actor, scope: TenantScope, units: list[SourceUnit], counts: UnitCounts
) -> None:
    """Units this portal made (they have an external id) that it no longer lists, deepest
    first, so each one's members end up in its nearest unit that is still listed."""
    listed = {u.key for u in units}
    gone = [
        u
        for u in await scope.query(OrgUnit).filter(external_id__not_isnull=True, archived_at=None)
        if u.external_id not in listed and u.parent_id is not None
    ]
    for unit in sorted(gone, key=lambda u: -u.depth):
        _, moved = await archive_org_unit(actor, id=unit.id)
        counts.archived += 1
        counts.members_moved += moved


def _new_unit(actor: Actor, parent: OrgUnit, unit: SourceUnit) -> OrgUnit:
    unit_id = new_id()
    return OrgUnit(
        id=unit_id,
        tenant_id=actor.tenant_id,
        parent_id=parent.id,
        name=unit.name[:200],
        external_id=unit.key,
        path=unit_path(parent, unit_id),
        depth=parent.depth + 1,
    )


def _parents_first(units: list[SourceUnit]) -> list[SourceUnit]:
    """Every unit after its parent; a cycle in the portal's tree is cut where it closes."""
    by_key = {u.key: u for u in units}
    order: list[SourceUnit] = []
    placed: set[str] = set()

    def visit(unit: SourceUnit, trail: frozenset[str]) -> None:
        if unit.key in placed or unit.key in trail:
            return
        parent = by_key.get(unit.parent_key or "")
        if parent is not None:
            visit(parent, trail | {unit.key})
        placed.add(unit.key)
        order.append(unit)

    for unit in units:
        visit(unit, frozenset())
    return order
