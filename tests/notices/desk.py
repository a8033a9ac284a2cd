"""A department for the service-level tests of notices and publications: units two deep,
people in one, two or no unit, an editor who is no administrator, and a tenant below."""

from __future__ import annotations

from dataclasses import dataclass

from models.access import Actor, DataScope, Permission
from models.directory import Membership, OrgUnit, Role
from models.scope import TenantScope
from services import directory
from tests.conftest import Department, new_department
from tests.notices.trail import actor_of


@dataclass
class Desk:
    """A department with 办公室 (秘书科 below it) and 财务处; an editor holding
    publications.edit and notices.publish (no administrator), a clerk of 秘书科 and 财务处
    (财务处 her primary unit), an accountant of 财务处, a loner of no unit; and a
    subscribing tenant below it."""

    department: Department
    units: dict[str, OrgUnit]
    people: dict[str, Actor]
    subscriber: Department
    editor_role: Role

    @property
    def admin(self) -> Actor:
        return self.department.actor

    @property
    def scope(self) -> TenantScope:
        return self.department.scope


async def desk() -> Desk:
    department = await new_department(name="市政府办公室")
    admin = department.actor
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    office = await directory.create_org_unit(admin, name="办公室", parent_id=root.id)
    section = await directory.create_org_unit(admin, name="秘书科", parent_id=office.id)
    finance = await directory.create_org_unit(admin, name="财务处", parent_id=root.id)
    units = {"办公室": office, "秘书科": section, "财务处": finance}
    role = await directory.create_role(
        admin,
        code="editor",
        name="编辑",
        permissions=[Permission.PUBLICATIONS_EDIT.value, Permission.NOTICES_PUBLISH.value],
        data_scope=DataScope.SELF,
    )
    people = {}
    for username, unit_ids in (
        ("editor", [root.id]),
        ("clerk", [section.id, finance.id]),
        ("accountant", [finance.id]),
        ("loner", [root.id]),
    ):
        user = await directory.create_user(
            admin,
            username=username,
            display_name=username,
            org_unit_ids=unit_ids,
            primary_org_unit_id=unit_ids[-1],
        )
        if username == "editor":
            await directory.assign_role(admin, user_id=user.id, role_id=role.id)
        if username == "loner":
            await department.scope.query(Membership).filter(user_id=user.id).delete()
        people[username] = await actor_of(user)
    subscriber = await new_department(department.tenant, name="订阅单位")
    return Desk(department, units, people, subscriber, role)
