"""`officecloud sync pull` against a real SCIM server (a second tenant's /scim/v2): 10,000 users
arrive, a second run changes nothing, and users the portal drops are deprovisioned."""

from __future__ import annotations

import asyncio
import os
import re
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from models.audit import AuditEntry
from models.base import new_id
from models.directory import Membership, OrgUnit, User, UserStatus
from server.settings import Settings
from services import directory, offboarding
from services.directory import unit_path
from sync.pull import pull
from tests.conftest import GraphQL
from tests.processes import CLI, budget
from tests.sso.support import scim_token

pytestmark = pytest.mark.slow  # 10,000 users through the `officecloud` command

USERS = 10_000


async def _source_directory(department: Any, units: int = 20) -> list[OrgUnit]:
    """A portal directory made in bulk: units under the root, users spread over them."""
    scope = department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    created = []
    for i in range(units):
        unit_id = new_id()
        created.append(
            OrgUnit(
                id=unit_id,
                tenant_id=department.tenant.id,
                parent_id=root.id,
                name=f"处室 {i}",
                path=unit_path(root, unit_id),
                depth=1,
            )
        )
    await OrgUnit.bulk_create(created)
    users, links = [], []
    for i in range(USERS):
        unit = created[i % units]
        user = User(
            id=new_id(),
            tenant_id=department.tenant.id,
            username=f"u{i:05d}",
            display_name=f"用户 {i}",
            email=f"u{i:05d}@city.gov.cn",
            external_subject=f"portal|{i:05d}",
            primary_org_unit_id=unit.id,
        )
        users.append(user)
        links.append(
            Membership(
                id=new_id(), tenant_id=department.tenant.id, user_id=user.id, org_unit_id=unit.id
            )
        )
    await User.bulk_create(users, batch_size=2000)
    await Membership.bulk_create(links, batch_size=2000)
    return created


async def _run_cli(settings: Settings, *args: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OFFICECLOUD_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DATABASE_URL=str(settings.database_url),
        OFFICECLOUD_DATA_DIR=str(settings.data_dir),
        COLUMNS="120",
    )
    process = await asyncio.create_subprocess_exec(
        CLI, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), budget(120))
    assert process.returncode == 0, stderr.decode()
    return stdout.decode()


async def test_pulling_ten_thousand_users_twice_changes_nothing_the_second_time(
    server: TestServer, gql: GraphQL, make_department, database: Settings
) -> None:
    source = await make_department()
    await _source_directory(source)
    token = await scim_token(gql, source)
    url = str(server.make_url("/scim/v2"))
    target = await make_department()
    args = ("sync", "pull", "--tenant", target.tenant.code, "--url", url, "--token", token)

    started = time.monotonic()
    first = await _run_cli(database, *args)
    took = time.monotonic() - started
    print(f"\npull of {USERS} users: {took:.1f} s\n{first}")
    counts = dict(
        (k, int(v))
        for v, k in re.findall(r"(\d+) (created|updated|deprovisioned|unchanged)", first)
    )
    assert "Org units: 21 created" in first  # the source's root unit and its 20 units
    assert f"Users: {USERS} created, 1 updated" in first, first  # the admin is matched by name
    synced = target.scope.query(User).filter(external_subject__not_isnull=True)
    assert await synced.count() == USERS + 1
    some = await target.scope.query(User).get(external_subject="portal|00042")
    unit = await target.scope.query(OrgUnit).get(id=some.primary_org_unit_id)
    assert unit.name == "处室 2"
    assert counts

    audit_before = await target.scope.query(AuditEntry).count()
    started = time.monotonic()
    second = await _run_cli(database, *args)
    print(f"second pull (no changes): {time.monotonic() - started:.1f} s")
    assert "Org units: 0 created, 0 updated" in second, second
    assert f"Users: 0 created, 0 updated, 0 deprovisioned, {USERS + 1} unchanged" in second
    assert await target.scope.query(AuditEntry).count() == audit_before

    leaver = await source.scope.query(User).get(username="u00007")
    await directory.delete_user(source.actor, id=leaver.id)
    quitter = await source.scope.query(User).get(username="u00008")
    await offboarding.deprovision_user(source.actor, quitter.id)
    report = await pull(target.tenant.code, url, token)
    assert report.users_deprovisioned == 2
    assert report.users_created == report.users_updated == 0
    gone = await target.scope.query(User).filter(
        external_subject__in=["portal|00007", "portal|00008"]
    )
    assert {u.status for u in gone} == {UserStatus.DEPROVISIONED}
    assert (await pull(target.tenant.code, url, token)).changed == 0
