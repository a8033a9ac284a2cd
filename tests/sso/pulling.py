"""A small portal directory for `services.sso.pull.apply_pull`, run in process (the slow tests
run it through the `officecloud` command over a real SCIM server)."""

from __future__ import annotations

from typing import Any

from models.directory import Membership, OrgUnit, User
from services.sso.pull import SourceUser
from services.sso.pull_units import SourceUnit
from tests.conftest import Department


def unit(key: str, name: str, parent: str | None = None) -> SourceUnit:
    return SourceUnit(key=key, name=name, parent_key=parent)


def person(key: str, username: str, *groups: str, **fields: Any) -> SourceUser:
    values: dict[str, Any] = {
        "display_name": f"Person {username}",
        "email": None,
        "phone": None,
        "title": None,
        "active": True,
        **fields,
    }
    return SourceUser(key=key, username=username, unit_keys=groups, **values)


async def units_by_key(department: Department) -> dict[str, OrgUnit]:
    rows = await department.scope.query(OrgUnit).filter(external_id__not_isnull=True)
    return {str(u.external_id): u for u in rows}


async def synced(department: Department, key: str) -> User:
    user: User = await department.scope.query(User).get(external_subject=key)
    return user


async def unit_ids(user: User) -> set[Any]:
    return set(await Membership.filter(user_id=user.id).values_list("org_unit_id", flat=True))
