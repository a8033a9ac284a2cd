"""A directory pull applied in process to a small directory (`apply_pull`): what the first
pull creates, that a second one changes nothing, and the users' names made free."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from typing import Any

import pytest

from models.audit import AuditEntry
from models.directory import OrgUnit, Role, RoleAssignment, User, UserStatus
from services.sso import pull
from tests.sso.pulling import person, synced, unit, unit_ids, units_by_key
from tests.sso.records import audited, events, refused

SYNCED = "directory.synced"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


async def test_a_first_pull_creates_units_parents_first_and_users_in_them(
    make_department,
) -> None:
    department = await make_department()
    tenant_id = department.tenant.id
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    long_name = "长" * 210
    units = [
        unit("g-section", "科室", "g-office"),  # listed before its parent
        unit("g-office", "办公室"),
        unit("g-lost", long_name, "g-not-listed"),
    ]
    users = [
        person(
            "p|alice",
            "alice",
            "g-section",
            "g-office",
            "g-section",
            "g-unknown",
            display_name="爱丽丝" * 40,
            email="alice@city.gov.cn",
            phone="+86 10 1234",
            title="科长",
        ),
        person("p|bob", "bob"),
        person("p|carol", "carol", "g-office", active=False),
        person("p|admin", "ADMIN", "g-office"),
    ]
    calls: list[tuple[str, int, int]] = []
    report = await pull.apply_pull(
        department.actor, units, users, progress=lambda *a: calls.append(a)
    )
    assert calls == [("users", 4, 4)]
    assert (report.units.created, report.units.updated, report.units.archived) == (3, 0, 0)
    assert (report.users_created, report.users_updated, report.users_unchanged) == (3, 1, 0)
    assert (report.users_deprovisioned, report.users_renamed, report.tasks_handed_over) == (0, 1, 0)
    assert report.changed == 3 + 3 + 1
    assert report.summary() == (
        "Org units: 3 created, 0 updated, 0 archived (0 members moved up). Users: 3 created, "
        "1 updated, 0 deprovisioned, 0 unchanged; 1 renamed, 0 open tasks handed over."
    )

    made = await units_by_key(department)
    office, section, lost = made["g-office"], made["g-section"], made["g-lost"]
    assert (office.parent_id, office.depth, office.name) == (root.id, 1, "办公室")
    assert (section.parent_id, section.depth) == (office.id, 2)
    assert section.path == f"{office.path}{section.id.hex}/"
    assert (lost.parent_id, lost.name) == (root.id, "长" * 200), "an unlisted parent: the root"
    created_units = await audited(tenant_id, "org_unit.created")
    assert [(e.target_type, e.target_id, e.data) for e in created_units] == [
        ("OrgUnit", str(office.id), {"name": "办公室", "source": "pull"}),
        ("OrgUnit", str(section.id), {"name": "科室", "source": "pull"}),
        ("OrgUnit", str(lost.id), {"name": long_name, "source": "pull"}),
    ]

    alice = await synced(department, "p|alice")
    assert (alice.username, alice.display_name) == ("alice", "爱丽丝" * 33 + "爱")
    assert (alice.email, alice.phone, alice.title) == ("alice@city.gov.cn", "+86 10 1234", "科长")
    assert (alice.status, alice.primary_org_unit_id) == (UserStatus.ACTIVE, section.id)
    assert await unit_ids(alice) == {section.id, office.id}
    bob = await synced(department, "p|bob")
    assert (bob.primary_org_unit_id, await unit_ids(bob)) == (root.id, {root.id})
    carol = await synced(department, "p|carol")
    assert carol.status == UserStatus.DEPROVISIONED, "listed as inactive: made so"
    member = await department.scope.query(Role).get(code="member")
    for user in (alice, bob, carol):
        assert await RoleAssignment.exists(user_id=user.id, role_id=member.id)
    created = await audited(tenant_id, "user.created")
    assert [(e.target_type, e.target_id, e.data) for e in created] == [
        ("User", str(u.id), {"username": u.username, "source": "pull", "externalSubject": key})
        for u, key in ((alice, "p|alice"), (bob, "p|bob"), (carol, "p|carol"))
    ]
    assert {e.actor_id for e in created} == {department.admin.id}

    admin = await department.scope.query(User).get(id=department.admin.id)
    assert (admin.username, admin.external_subject) == ("ADMIN", "p|admin"), "taken over by name"
    assert await unit_ids(admin) == {root.id, office.id}, "units made here are kept"
    assert admin.primary_org_unit_id == root.id, "the primary unit stays first"
    (updated,) = await audited(tenant_id, "user.updated")
    assert (updated.target_type, updated.target_id) == ("User", str(admin.id))
    assert updated.data == {
        "source": "pull",
        "username": "ADMIN",
        "display_name": "Person ADMIN",
        "external_subject": "p|admin",
        "orgUnitIds": [str(root.id), str(office.id)],
    }, "the primary unit is kept: not among the changes"
    assert await events(tenant_id, SYNCED) == [{"created": 3, "updated": 1}]

    entries = await department.scope.query(AuditEntry).count()
    again = await pull.apply_pull(department.actor, units, users)
    assert again.changed == 0
    assert (again.users_unchanged, again.users_renamed, again.units.updated) == (4, 0, 0)
    assert await department.scope.query(AuditEntry).count() == entries
    assert await events(tenant_id, SYNCED) == [{"created": 3, "updated": 1}]


async def test_users_are_pulled_in_batches_with_free_usernames(
    make_department, monkeypatch: pytest.MonkeyPatch
) -> None:
    department = await make_department()
    monkeypatch.setattr(pull, "BATCH", 2)
    users = [
        person("k1", "eve"),
        person("k2", "EVE"),
        person("k3", "d@ve smith!"),
        person("k4", "..."),
        person("k5", "x" * 70),
        person("k6", "x" * 64),
    ]
    calls: list[tuple[str, int, int]] = []
    report = await pull.apply_pull(department.actor, [], users, progress=lambda *a: calls.append(a))
    assert calls == [("users", 2, 6), ("users", 4, 6), ("users", 6, 6)]
    assert report.users_created == 6
    names = [(await synced(department, f"k{i}")).username for i in range(1, 7)]
    assert names == [
        "eve",
        f"EVE-{_hash('k2')}",
        "d@ve-smith",
        "user",
        "x" * 64,
        f"{'x' * 55}-{_hash('k6')}",
    ]
    assert await events(department.tenant.id, SYNCED) == [
        {"created": 2, "updated": 0},
        {"created": 2, "updated": 0},
        {"created": 2, "updated": 0},
    ]


async def test_a_tenant_without_a_root_unit_is_refused(make_department) -> None:
    department = await make_department()
    nowhere = dataclasses.replace(department.actor, tenant_id=uuid.uuid4())
    assert await refused(pull.apply_pull(nowhere, [], [])) == [
        ("INVALID_STATE", "The tenant has no root org unit", None)
    ]


def test_users_listed_inactive_are_deprovisioned_unless_they_are_already() -> None:
    active, gone = User(status=UserStatus.ACTIVE), User(status=UserStatus.DEPROVISIONED)
    existing: dict[str, Any] = {"a": active, "b": gone, "c": User(status=UserStatus.ACTIVE)}
    listed = [
        person("a", "a", active=False),
        person("b", "b", active=False),
        person("c", "c"),
        person("d", "d", active=False),
    ]
    assert pull.users_to_deprovision(listed, existing) == [active]


async def test_a_cycle_in_the_portals_tree_is_cut_where_it_closes(make_department) -> None:
    department = await make_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    cycle = [unit("c1", "一处", "c2"), unit("c2", "二处", "c1"), unit("self", "自身", "self")]
    report = await pull.apply_pull(department.actor, cycle, [])
    made = await units_by_key(department)
    assert (made["c2"].parent_id, made["c2"].depth) == (root.id, 1), "the cycle is cut here"
    assert (made["c1"].parent_id, made["c1"].depth) == (made["c2"].id, 2)
    assert (made["self"].parent_id, made["self"].depth) == (root.id, 1)
    assert (report.units.created, report.units.updated) == (3, 0)
    again = await pull.apply_pull(department.actor, cycle, [])
    assert again.changed == 0, "nothing moves on the next pull"

    straightened = [unit("c1", "一处"), unit("c2", "二处", "c1"), unit("self", "自身", "c2")]
    moved = await pull.apply_pull(department.actor, straightened, [])
    assert (moved.units.created, moved.units.updated) == (0, 3)
    made = await units_by_key(department)
    assert (made["c1"].parent_id, made["c1"].depth) == (root.id, 1)
    assert (made["c2"].parent_id, made["c2"].depth) == (made["c1"].id, 2)
    assert (made["self"].parent_id, made["self"].depth) == (made["c2"].id, 3)
