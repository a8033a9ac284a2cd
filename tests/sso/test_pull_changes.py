"""A directory pull applied in process after changes at the portal: units renamed, moved,
archived and listed again; users renamed, moved between groups, their contacts changed,
deprovisioned and reactivated."""

from __future__ import annotations

import hashlib
from typing import Any

from auth.viewer import actor_for
from models.directory import Membership, OrgUnit, User, UserStatus
from models.documents import DocumentType, Task
from services import directory
from services.documents import lifecycle
from services.sso import pull
from tests.conftest import GraphQL
from tests.documents.support import dispatching_office
from tests.sso.pulling import person, synced, unit, unit_ids, units_by_key
from tests.sso.records import audited, events
from workflow.vocabulary import TaskStatus

UNITS = [
    unit("g1", "办公室"),
    unit("g2", "科室", "g1"),
    unit("g3", "小组", "g2"),
    unit("g4", "附属单位"),
    unit("g5", "临时组"),
]


async def test_a_pull_follows_the_portals_changes(make_department) -> None:
    department = await make_department()
    tenant_id = department.tenant.id
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    first = [
        person("a", "amy", "g3"),
        person("b", "ben", "g2", email="old@city.gov.cn", phone="110"),
        person("c", "cat", "g4"),
        person("d", "dan", "g1"),
        person("f", "fay", "g1"),
        person("g", "gus", "g1", active=False),
        person("h", "hal", "g5"),
    ]
    await pull.apply_pull(department.actor, UNITS, first)
    made = await units_by_key(department)
    local = await directory.create_org_unit(department.actor, name="本地组", parent_id=root.id)
    ben = await synced(department, "b")
    await Membership.create(tenant_id=tenant_id, user_id=ben.id, org_unit_id=local.id)
    contacts = [
        {"value": "old@city.gov.cn", "type": "work", "primary": True},
        {"value": "ben@home.example", "type": "home"},
    ]
    await User.filter(id=ben.id).update(emails=contacts)

    second_units = [
        unit("g1", "综合办公室"),
        unit("g2", "科室", "g4"),
        unit("g4", "附属单位"),
    ]
    second = [
        person("b", "benjamin", "g1", "g2", email="new@city.gov.cn", phone="120", title="处长"),
        person("f", "amy", "g4"),
        person("a", "amy"),
        person("d", "dan", "g1", active=False),
        person("g", "gus", "g1"),
        person("h", "hal"),
    ]
    report = await pull.apply_pull(department.actor, second_units, second)
    units = report.units
    assert (units.created, units.updated, units.archived) == (0, 2, 2)
    assert units.members_moved == 2, "amy to 科室, hal to the root"
    assert (report.users_created, report.users_updated, report.users_renamed) == (0, 3, 2)
    assert (report.users_deprovisioned, report.users_unchanged) == (2, 3)
    assert report.changed == 2 + 2 + 3 + 2
    assert report.summary() == (
        "Org units: 0 created, 2 updated, 2 archived (2 members moved up). Users: 0 created, "
        "3 updated, 2 deprovisioned, 3 unchanged; 2 renamed, 0 open tasks handed over."
    )

    g1, g2, g3, g4 = [await OrgUnit.get(id=made[k].id) for k in ("g1", "g2", "g3", "g4")]
    assert (g1.name, g1.version) == ("综合办公室", 2)
    assert (g2.parent_id, g2.depth, g2.path) == (g4.id, 2, f"{g4.path}{g2.id.hex}/")
    assert g3.archived_at is not None
    assert (await OrgUnit.get(id=made["g5"].id)).archived_at is not None
    renamed = [e for e in await audited(tenant_id, "org_unit.updated") if e.data.get("source")]
    assert [(e.target_id, e.data) for e in renamed] == [
        (str(g1.id), {"name": "综合办公室", "source": "pull"})
    ]

    ben = await synced(department, "b")
    assert (ben.username, ben.email) == ("benjamin", "new@city.gov.cn")
    assert (ben.phone, ben.title, ben.phones) == ("120", "处长", None)
    assert ben.emails == [
        {"value": "new@city.gov.cn", "type": "work", "primary": True},
        {"value": "ben@home.example", "type": "home"},
    ]
    assert await unit_ids(ben) == {local.id, g1.id, g2.id}, "units made here are kept"
    assert ben.primary_org_unit_id == g2.id, "the primary unit stays first"
    fay = await synced(department, "f")
    assert fay.username == f"amy-{hashlib.sha256(b'f').hexdigest()[:8]}"
    assert (await unit_ids(fay), fay.primary_org_unit_id) == ({g4.id}, g4.id), "left 办公室"
    amy = await synced(department, "a")
    assert amy.username == "amy"
    assert await unit_ids(amy) == {g2.id}, "no group at the portal: her units as they are"
    dan, gus = await synced(department, "d"), await synced(department, "g")
    cat = await synced(department, "c")
    assert (dan.status, cat.status, gus.status) == (
        UserStatus.DEPROVISIONED,
        UserStatus.DEPROVISIONED,
        UserStatus.ACTIVE,
    )
    changes = {e.target_id: e.data for e in await audited(tenant_id, "user.updated")}
    assert changes[str(ben.id)] == {
        "source": "pull",
        "username": "benjamin",
        "display_name": "Person benjamin",
        "email": "new@city.gov.cn",
        "phone": "120",
        "title": "处长",
        "orgUnitIds": [str(g2.id), str(local.id), str(g1.id)],
    }, "the primary unit first, then the units made here, then the portal's"
    assert changes[str(gus.id)] == {"source": "pull", "status": "active"}
    assert changes[str(fay.id)] == {
        "source": "pull",
        "username": fay.username,
        "display_name": "Person amy",
        "primary_org_unit_id": str(g4.id),
        "orgUnitIds": [str(g4.id)],
    }
    assert (await events(tenant_id, "directory.synced"))[-1] == {"created": 0, "updated": 3}

    relisted = await pull.apply_pull(department.actor, [*second_units, UNITS[4]], second)
    assert (relisted.units.created, relisted.units.updated) == (0, 1)
    assert (relisted.users_updated, relisted.users_deprovisioned, relisted.changed) == (0, 0, 1)
    g5 = await OrgUnit.get(id=made["g5"].id)
    assert (g5.archived_at, g5.name) == (None, "临时组")
    back = [e for e in await audited(tenant_id, "org_unit.updated") if e.target_id == str(g5.id)]
    assert back[-1].data == {"name": "临时组", "source": "pull", "archivedAt": None}


async def test_a_leavers_open_tasks_are_counted_as_handed_over(
    gql: GraphQL, make_department: Any
) -> None:
    office = await dispatching_office(gql, await make_department())
    department = office.department
    scope = department.scope
    writer = await actor_for(scope, office.users["writer"], department.tenant)
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    document = await lifecycle.create_document(
        writer, document_type_id=doc_type.id, title="交接", form_data={"body": "x"}
    )
    await lifecycle.submit_document(writer, id=document.id)
    (task,) = await scope.query(Task).filter(document_id=document.id, status=TaskStatus.OPEN)
    assert task.assignee_id is not None
    await User.filter(id=task.assignee_id).update(external_subject="p|leaver")
    report = await pull.apply_pull(department.actor, [], [])
    assert (report.users_deprovisioned, report.tasks_handed_over) == (1, 1)
    leaver = await User.get(id=task.assignee_id)
    assert leaver.status == UserStatus.DEPROVISIONED
