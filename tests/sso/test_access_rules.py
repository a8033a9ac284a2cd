"""Portal access rules in process: what each refusal says, what is stored, the audit entry and
the event that makes every process drop the tenant's cached viewers."""

from __future__ import annotations

import uuid

from models.directory import OrgUnit, Role
from models.sso import AccessRule, AccessSubject
from services.sso import access_rules
from tests.conftest import gid
from tests.sso.records import clerk, clerk_actor, entry, events, refused

CHANGED = "sso.access_rules_changed"


def _event(rule_id: uuid.UUID, action: str) -> dict[str, str]:
    return {"id": gid("AccessRule", rule_id), "type": "AccessRule", "action": action}


async def test_a_rule_is_created_for_an_existing_subject_once(make_department) -> None:
    department = await make_department()
    actor, tenant_id = department.actor, department.tenant.id
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    longest = "k" * 64
    rule = await access_rules.create_access_rule(
        actor,
        subject_type=AccessSubject.ORG_UNIT,
        subject_id=str(root.id),
        components=[" portal ", "a-b_c", "portal", "", "  ", longest],
        note="  " + "n" * 250,
    )
    stored = await AccessRule.get(id=rule.id)
    assert stored.components == ["a-b_c", longest, "portal"], "trimmed, unique, sorted"
    assert (stored.subject_type, stored.subject_id) == (AccessSubject.ORG_UNIT, root.id)
    assert (stored.note, stored.version, stored.tenant_id) == ("n" * 200, 1, tenant_id)
    assert await entry(tenant_id, "access_rule.created") == (
        "AccessRule",
        str(rule.id),
        {"subject": f"org_unit:{root.id}", "components": ["a-b_c", longest, "portal"]},
    )
    assert await events(tenant_id, CHANGED) == [_event(rule.id, "created")]

    assert await refused(
        access_rules.create_access_rule(
            actor, subject_type=AccessSubject.ORG_UNIT, subject_id=root.id, components=[]
        )
    ) == [("DUPLICATE", "This subject already has an access rule; change it", ("subjectId",))]
    bad = await refused(
        access_rules.create_access_rule(
            actor,
            subject_type=AccessSubject.ROLE,
            subject_id=uuid.uuid4(),
            components=["no spaces", "k" * 65, "ok", "a.b"],
        )
    )
    words = "is not a service component key (letters, digits, '-', '_')"
    assert bad == [
        ("INVALID", f"'{key}' {words}", ("components",)) for key in ("a.b", "k" * 65, "no spaces")
    ]
    for kind, what in (
        (AccessSubject.USER, "User"),
        (AccessSubject.ORG_UNIT, "OrgUnit"),
        (AccessSubject.ROLE, "Role"),
    ):
        assert await refused(
            access_rules.create_access_rule(
                actor, subject_type=kind, subject_id=uuid.uuid4(), components=[]
            )
        ) == [("NOT_FOUND", f"{what} not found", ("subjectId",))]

    member = await department.scope.query(Role).get(code="member")
    person = await clerk(department)
    by_role = await access_rules.create_access_rule(
        actor, subject_type=AccessSubject.ROLE, subject_id=member.id, components=["documents"]
    )
    by_user = await access_rules.create_access_rule(
        actor, subject_type=AccessSubject.USER, subject_id=person.id, components=[]
    )
    assert (by_role.subject_id, by_user.subject_id, by_user.note) == (member.id, person.id, "")
    plain = await clerk_actor(department, "plain")
    assert await refused(
        access_rules.create_access_rule(
            plain, subject_type=AccessSubject.USER, subject_id=person.id, components=[]
        )
    ) == [("FORBIDDEN", "You lack the permission tenant.admin", None)]
    assert await AccessRule.filter(tenant_id=tenant_id).count() == 3


async def test_a_rule_is_changed_and_deleted_with_its_audit_and_events(make_department) -> None:
    department = await make_department()
    actor, tenant_id = department.actor, department.tenant.id
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    rule = await access_rules.create_access_rule(
        actor,
        subject_type=AccessSubject.ORG_UNIT,
        subject_id=root.id,
        components=["portal"],
        note="all",
    )
    not_found = [("NOT_FOUND", "Access rule not found", ("id",))]
    update = access_rules.update_access_rule
    assert await refused(update(actor, id=uuid.uuid4(), note="x")) == not_found
    assert await refused(update(actor, id="nonsense", note="x")) == not_found
    other = await make_department()
    assert await refused(update(other.actor, id=rule.id, note="x")) == not_found
    assert await refused(update(actor, id=rule.id, note="x", expected_version=2)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 1, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(update(actor, id=rule.id, components=["bad key"])) == [
        (
            "INVALID",
            "'bad key' is not a service component key (letters, digits, '-', '_')",
            ("components",),
        )
    ]

    same = await update(actor, id=rule.id, components=["portal"], note=" all ")
    assert same.version == 1, "nothing changed"
    kept = await update(actor, id=str(rule.id), expected_version=1)
    assert (kept.components, kept.note, kept.version) == (["portal"], "all", 1)
    changed = await update(actor, id=rule.id, components=["b", "a"], expected_version=1)
    stored = await AccessRule.get(id=rule.id)
    assert (stored.components, stored.note, stored.version) == (["a", "b"], "all", 2)
    assert changed.version == 2
    assert await entry(tenant_id, "access_rule.updated") == (
        "AccessRule",
        str(rule.id),
        {"components": ["a", "b"]},
    )
    cleared = await update(actor, id=rule.id, components=None, note=None)
    assert (cleared.components, cleared.note, cleared.version) == ([], "", 3)
    assert [e["action"] for e in await events(tenant_id, CHANGED)] == [
        "created",
        "updated",
        "updated",
    ]

    delete = access_rules.delete_access_rule
    assert await refused(delete(actor, id=uuid.uuid4())) == not_found
    plain = await clerk_actor(department)
    assert await refused(delete(plain, id=rule.id)) == [
        ("FORBIDDEN", "You lack the permission tenant.admin", None)
    ]
    assert await refused(update(plain, id=rule.id, note="x")) == [
        ("FORBIDDEN", "You lack the permission tenant.admin", None)
    ]
    assert await delete(actor, id=str(rule.id)) == rule.id
    assert not await AccessRule.exists(id=rule.id)
    assert await entry(tenant_id, "access_rule.deleted") == (
        "AccessRule",
        str(rule.id),
        {"subject": f"org_unit:{root.id}"},
    )
    assert (await events(tenant_id, CHANGED))[-1] == _event(rule.id, "deleted")
    assert await refused(delete(actor, id=rule.id)) == not_found
