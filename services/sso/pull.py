"""Directory pull (组织机构、用户同步): make a tenant's synced directory equal what the portal
lists. `sync/pull.py` reads the portal; this applies the difference."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from models.access import Actor
from models.base import new_id
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User, UserStatus
from models.scope import TenantScope
from services.directory import move_org_unit, unit_path
from services.errors import Code, ServiceError
from services.inputs import apply_changes
from services.offboarding import deprovision_user
from services.uow import Work, transaction
from subscriptions.topics import Topic


@dataclass(frozen=True)
class SourceUnit:
    key: str
    """The portal's id of the group; kept as the org unit's external id."""
    name: str
    parent_key: str | None


@dataclass(frozen=True)
class SourceUser:
    key: str
    """The portal's `externalId` (its SSO subject) or else its id; kept as external subject."""
    username: str
    display_name: str
    email: str | None
    phone: str | None
    title: str | None
    active: bool
    unit_keys: tuple[str, ...]


@dataclass
class PullReport:
    units_created: int = 0
    units_updated: int = 0
    users_created: int = 0
    users_updated: int = 0
    users_deprovisioned: int = 0
    users_unchanged: int = 0

    @property
    def changed(self) -> int:
        return (
            self.units_created
            + self.units_updated
            + self.users_created
            + self.users_updated
            + self.users_deprovisioned
        )


Progress = Any
BATCH = 2000
USER_FIELDS = [
    "display_name",
    "email",
    "phone",
    "title",
    "external_subject",
    "status",
    "primary_org_unit_id",
    "version",
]


async def apply_pull(
    actor: Actor,
    units: list[SourceUnit],
    users: list[SourceUser],
    *,
    progress: Progress = None,
) -> PullReport:
    """Make the tenant's synced directory equal the portal's: create and update org units and
    users in batches (one transaction and one audit entry per changed row), and deprovision
    synced users the portal no longer lists. Running it twice changes nothing the second time."""
    report = PullReport()
    scope = TenantScope(actor.tenant_id)
    root = await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()
    if root is None:
        raise ServiceError.of(Code.INVALID_STATE, "The tenant has no root org unit")
    unit_ids = await _pull_units(actor, scope, root, units, report)
    sync = await _UserSync.load(actor, scope, root.id, unit_ids, report)
    for start in range(0, len(users), BATCH):
        await sync.apply(users[start : start + BATCH])
        if progress is not None:
            progress("users", min(start + BATCH, len(users)), len(users))
    for user_id in sync.leaving(users):
        await deprovision_user(actor, user_id)
        report.users_deprovisioned += 1
    return report


def users_to_deprovision(users: list[SourceUser], existing: dict[str, User]) -> list[User]:
    """Listed by the portal as inactive, and still active here."""
    return [
        existing[s.key]
        for s in users
        if not s.active and s.key in existing and existing[s.key].status != UserStatus.DEPROVISIONED
    ]


# Users -----------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """What one transaction of the pull writes in bulk."""

    users: list[User] = field(default_factory=list)
    links: list[Membership] = field(default_factory=list)
    roles: list[RoleAssignment] = field(default_factory=list)
    changed: list[User] = field(default_factory=list)


@dataclass
class _UserSync:
    """The tenant's users as the pull found them; each batch of the portal's users is applied
    against them in one transaction."""

    actor: Actor
    scope: TenantScope
    root_id: uuid.UUID
    unit_ids: dict[str, uuid.UUID]
    report: PullReport
    member: Role | None
    existing: dict[str, User]
    """Synced users by external subject."""
    by_name: dict[str, User]
    """Users never synced, by username: the portal's user of that name takes them over."""
    taken: set[str]
    memberships: dict[uuid.UUID, list[uuid.UUID]]
    seen: set[str] = field(default_factory=set)

    @classmethod
    async def load(
        cls,
        actor: Actor,
        scope: TenantScope,
        root_id: uuid.UUID,
        unit_ids: dict[str, uuid.UUID],
        report: PullReport,
    ) -> _UserSync:
        users = scope.query(User)
        memberships: dict[uuid.UUID, list[uuid.UUID]] = {}
        for user_id, unit_id in (
            await scope.query(Membership)
            .order_by("created_at")
            .values_list("user_id", "org_unit_id")
        ):
            memberships.setdefault(user_id, []).append(unit_id)
        return cls(
            actor,
            scope,
            root_id,
            unit_ids,
            report,
            member=await scope.query(Role).get_or_none(code="member"),
            existing={
                str(u.external_subject): u
                for u in await users.filter(external_subject__not_isnull=True)
            },
            by_name={u.username: u for u in await users.filter(external_subject__isnull=True)},
            taken={str(name) for name in await users.values_list("username", flat=True)},
            memberships=memberships,
        )

    async def apply(self, chunk: list[SourceUser]) -> None:
        async with transaction(self.actor) as work:
            batch = _Batch()
            for source in chunk:
                self.seen.add(source.key)
                wanted = list(
                    dict.fromkeys(self.unit_ids[k] for k in source.unit_keys if k in self.unit_ids)
                ) or [self.root_id]
                local = self.existing.get(source.key) or self.by_name.pop(source.username, None)
                if local is None:
                    self._create(work, batch, source, wanted)
                else:
                    await self._update(work, batch, local, source, wanted)
            await self._write(work, batch)

    def leaving(self, users: list[SourceUser]) -> list[uuid.UUID]:
        """Synced users the portal no longer lists, or lists as inactive, still active here."""
        gone = [
            u.id
            for key, u in self.existing.items()
            if key not in self.seen and u.status != UserStatus.DEPROVISIONED
        ]
        gone += [u.id for u in users_to_deprovision(users, self.existing)]
        return list(dict.fromkeys(gone))

    def _create(
        self, work: Work, batch: _Batch, source: SourceUser, wanted: list[uuid.UUID]
    ) -> None:
        tenant_id = self.actor.tenant_id
        username = _free_username(source.username, source.key, self.taken)
        row = User(
            id=new_id(),
            tenant_id=tenant_id,
            username=username,
            display_name=source.display_name[:100],
            email=source.email,
            phone=source.phone,
            title=source.title,
            external_subject=source.key,
            status=UserStatus.ACTIVE if source.active else UserStatus.DEPROVISIONED,
            primary_org_unit_id=wanted[0],
        )
        batch.users.append(row)
        batch.links += [
            Membership(id=new_id(), tenant_id=tenant_id, user_id=row.id, org_unit_id=u)
            for u in wanted
        ]
        if self.member is not None:
            batch.roles.append(
                RoleAssignment(
                    id=new_id(), tenant_id=tenant_id, user_id=row.id, role_id=self.member.id
                )
            )
        work.audit(
            tenant_id,
            "user.created",
            "User",
            row.id,
            {"username": username, "source": "pull", "externalSubject": source.key},
        )
        self.report.users_created += 1

    async def _update(
        self, work: Work, batch: _Batch, local: User, source: SourceUser, wanted: list[uuid.UUID]
    ) -> None:
        changes = apply_changes(
            local,
            display_name=source.display_name[:100],
            email=source.email,
            phone=source.phone,
            title=source.title,
            external_subject=source.key,
            primary_org_unit_id=wanted[0],
        )
        if source.active and local.status != UserStatus.ACTIVE:
            local.status = UserStatus.ACTIVE
            changes["status"] = UserStatus.ACTIVE.value
        current = self.memberships.get(local.id, [])
        if set(current) != set(wanted):
            await (
                self.scope.query(Membership)
                .filter(user_id=local.id, org_unit_id__in=set(current) - set(wanted))
                .delete()
            )
            batch.links += [
                Membership(
                    id=new_id(), tenant_id=self.actor.tenant_id, user_id=local.id, org_unit_id=u
                )
                for u in wanted
                if u not in current
            ]
            changes["orgUnitIds"] = [str(u) for u in wanted]
        if not changes:
            self.report.users_unchanged += 1
            return
        local.version += 1
        batch.changed.append(local)
        work.audit(
            self.actor.tenant_id,
            "user.updated",
            "User",
            local.id,
            {"source": "pull", **{k: _plain(v) for k, v in changes.items()}},
        )
        self.report.users_updated += 1

    async def _write(self, work: Work, batch: _Batch) -> None:
        if batch.users:
            await self.scope.bulk_create(User, batch.users, batch_size=1000)
        if batch.links:
            await self.scope.bulk_create(Membership, batch.links, batch_size=1000)
        if batch.roles:
            await self.scope.bulk_create(RoleAssignment, batch.roles, batch_size=1000)
        if batch.changed:
            await User.bulk_update(batch.changed, fields=USER_FIELDS, batch_size=1000)
        if batch.users or batch.changed:
            work.emit(
                self.actor.tenant_id,
                Topic.DIRECTORY_SYNCED,
                {"created": len(batch.users), "updated": len(batch.changed)},
            )


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def _free_username(wanted: str, key: str, taken: set[str]) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._@-" else "-" for c in wanted)[:64].strip("-._@")
    cleaned = cleaned or "user"
    if cleaned in taken:
        cleaned = f"{cleaned[:55]}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    taken.add(cleaned)
    return cleaned


# Org units -------------------------------------------------------------------------------------


async def _pull_units(
    actor: Actor, scope: TenantScope, root: OrgUnit, units: list[SourceUnit], report: PullReport
) -> dict[str, uuid.UUID]:
    """Org units by the portal's key, created parents first; renamed ones updated, moved ones
    re-hung under their new parent."""
    rows = {
        u.external_id: u
        for u in await scope.query(OrgUnit).filter(external_id__not_isnull=True)
        if u.external_id
    }
    order = _parents_first(units)
    async with transaction(actor) as work:
        created: list[OrgUnit] = []
        renamed: list[OrgUnit] = []
        for unit in order:
            row = rows.get(unit.key)
            if row is None:
                row = rows[unit.key] = _new_unit(
                    actor, rows.get(unit.parent_key or "") or root, unit
                )
                created.append(row)
                work.audit(
                    actor.tenant_id,
                    "org_unit.created",
                    "OrgUnit",
                    row.id,
                    {"name": unit.name, "source": "pull"},
                )
                report.units_created += 1
            elif row.name != unit.name[:200]:
                row.name = unit.name[:200]
                row.version += 1
                renamed.append(row)
                data = {"name": row.name, "source": "pull"}
                work.audit(actor.tenant_id, "org_unit.updated", "OrgUnit", row.id, data)
                report.units_updated += 1
        if created:
            await scope.bulk_create(OrgUnit, created, batch_size=1000)
        if renamed:
            await OrgUnit.bulk_update(renamed, fields=["name", "version"], batch_size=1000)
    for unit in order:
        row = rows[unit.key]
        parent = rows.get(unit.parent_key or "") or root
        if row.parent_id != parent.id and row.id != root.id:
            rows[unit.key] = await move_org_unit(actor, id=row.id, new_parent_id=parent.id)
            report.units_updated += 1
    return {key: row.id for key, row in rows.items()}


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
