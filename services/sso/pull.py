"""Directory pull (组织机构、用户同步): make a tenant's synced directory equal what the portal
lists. `sync/pull.py` reads the portal; this applies the difference: org units in
`pull_units.py`, users here.

Memberships: the portal's groups of a person are the union of `User.groups` and the groups
whose `members` name them (a server need not fill both). The pull manages memberships of the
units it made (those with an external id) only: units made here are kept, and a person the
portal lists in no group keeps the units they have (a silent source never empties them)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from i18n import _
from models.access import Actor
from models.base import new_id
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User, UserStatus
from models.documents import Task
from models.scope import TenantScope
from services.directory import with_primary
from services.errors import Code, ServiceError
from services.inputs import apply_changes
from services.offboarding import deprovision_user
from services.sso.pull_units import SourceUnit, UnitCounts, archive_unlisted, pull_units
from services.uow import Work, transaction
from subscriptions.topics import Topic
from workflow.vocabulary import TaskStatus


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
    """The portal's ids of the person's groups (User.groups and Group.members together)."""


@dataclass
class PullReport:
    units: UnitCounts = field(default_factory=UnitCounts)
    users_created: int = 0
    users_updated: int = 0
    users_renamed: int = 0
    users_deprovisioned: int = 0
    users_unchanged: int = 0
    tasks_handed_over: int = 0

    @property
    def changed(self) -> int:
        units = self.units
        return (
            units.created
            + units.updated
            + units.archived
            + self.users_created
            + self.users_updated
            + self.users_deprovisioned
        )

    def summary(self) -> str:
        units = self.units
        return (
            f"Org units: {units.created} created, {units.updated} updated, {units.archived} "
            f"archived ({units.members_moved} members moved up). Users: {self.users_created} "
            f"created, {self.users_updated} updated, {self.users_deprovisioned} deprovisioned, "
            f"{self.users_unchanged} unchanged; {self.users_renamed} renamed, "
            f"{self.tasks_handed_over} open tasks handed over."
        )


Progress = Any
BATCH = 2000
USER_FIELDS = [
    "username",
    "display_name",
    "email",
    "phone",
    "emails",
    "phones",
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
    """Make the tenant's synced directory equal the portal's: create, update and archive org
    units, create and update users in batches (one transaction and one audit entry per changed
    row), and deprovision synced users the portal no longer lists (their open tasks handed
    over). Running it twice changes nothing the second time."""
    report = PullReport()
    scope = TenantScope(actor.tenant_id)
    root = await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()
    if root is None:
        raise ServiceError.of(Code.INVALID_STATE, _("The tenant has no root org unit"))
    unit_ids = await pull_units(actor, scope, root, units, report.units)
    await archive_unlisted(actor, scope, units, report.units)
    sync = await _UserSync.load(actor, scope, root.id, unit_ids, report)
    for start in range(0, len(users), BATCH):
        await sync.apply(users[start : start + BATCH])
        if progress is not None:
            progress("users", min(start + BATCH, len(users)), len(users))
    leaving = sync.leaving(users)
    report.tasks_handed_over = (
        await scope.query(Task).filter(assignee_id__in=leaving, status=TaskStatus.OPEN).count()
        if leaving
        else 0
    )
    for user_id in leaving:
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
    """The units the portal lists, by its key."""
    synced: set[uuid.UUID]
    """Every unit the portal made (an external id): the memberships the pull manages."""
    report: PullReport
    member: Role | None
    existing: dict[str, User]
    """Synced users by external subject."""
    by_name: dict[str, User]
    """Users never synced, by lower-case username: the portal's user of that name takes them
    over, keeping their units."""
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
        synced = scope.query(OrgUnit).filter(external_id__not_isnull=True)
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
            {row[0] for row in await synced.values_list("id")},
            report,
            member=await scope.query(Role).get_or_none(code="member"),
            existing={
                str(u.external_subject): u
                for u in await users.filter(external_subject__not_isnull=True)
            },
            by_name={
                u.username.lower(): u for u in await users.filter(external_subject__isnull=True)
            },
            taken={str(name).lower() for name in await users.values_list("username", flat=True)},
            memberships=memberships,
        )

    async def apply(self, chunk: list[SourceUser]) -> None:
        async with transaction(self.actor) as work:
            batch = _Batch()
            for source in chunk:
                self.seen.add(source.key)
                wanted = list(
                    dict.fromkeys(self.unit_ids[k] for k in source.unit_keys if k in self.unit_ids)
                )
                local = self.existing.get(source.key) or self.by_name.pop(
                    source.username.lower(), None
                )
                if local is None:
                    self._create(work, batch, source, wanted or [self.root_id])
                else:
                    await self._update(work, batch, local, source, self._units(local, wanted))
            await self._write(work, batch)

    def _units(self, local: User, wanted: list[uuid.UUID]) -> list[uuid.UUID]:
        """The portal's units plus those made here; with none from the portal, the person's
        units as they are. The primary unit stays first while it is kept."""
        current = self.memberships.get(local.id, [])
        if not wanted:
            found = current or [self.root_id]
        else:
            found = list(dict.fromkeys([*(u for u in current if u not in self.synced), *wanted]))
        if local.primary_org_unit_id in found:
            found.remove(local.primary_org_unit_id)
            found.insert(0, local.primary_org_unit_id)
        return found

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
        contacts = {
            "emails": with_primary(local.emails, source.email),
            "phones": with_primary(local.phones, source.phone),
        }
        changes = apply_changes(
            local,
            username=self._renamed(local, source),
            display_name=source.display_name[:100],
            email=source.email,
            phone=source.phone,
            title=source.title,
            external_subject=source.key,
            primary_org_unit_id=wanted[0],
        )
        if changes.keys() & {"email", "phone"}:
            apply_changes(local, **contacts)
        if "username" in changes:
            self.report.users_renamed += 1
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

    def _renamed(self, local: User, source: SourceUser) -> str:
        """The portal's new userName, made free here if another user holds it."""
        if source.username == local.username:
            return local.username
        self.taken.discard(local.username.lower())
        return _free_username(source.username, source.key, self.taken)

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
    if cleaned.lower() in taken:
        cleaned = f"{cleaned[:55]}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    taken.add(cleaned.lower())
    return cleaned
