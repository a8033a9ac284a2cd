"""`officecloud sync pull` against the reference SCIM server (`scim2-server`, a real process)
seeded with 500 users and 50 groups through its own SCIM API. It fills `Group.members` and
not `User.groups`, as RFC 7643 allows. First pull, a pull that changes nothing, then changes
at the portal (rename, move, deactivate, delete a user, delete a group) and a pull again; every
outcome is read from the database."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from scim2_client.engines.httpx2 import AsyncSCIMClient
from scim2_models import (
    Email,
    Group,
    GroupMember,
    PatchOp,
    PatchOperation,
    ResourceType,
    ScimProvider,
    User,
)

from models.audit import AuditEntry
from models.directory import Membership, OrgUnit, UserStatus
from models.directory import User as DirectoryUser
from models.documents import Task
from server.settings import Settings
from sync.pull import pull
from tests.sso.apps import free_port
from workflow.vocabulary import TaskStatus

pytestmark = pytest.mark.slow
USERS, GROUPS = 500, 50
CLI = str(Path(sys.executable).with_name("officecloud"))
SCALE = float(os.environ.get("OFFICECLOUD_TEST_TIMEOUT_SCALE", "1"))
ROOT = "(root)"


@dataclass
class Portal:
    url: str
    token: str
    client: AsyncSCIMClient
    users: dict[str, User] = field(default_factory=dict)
    """By userName."""
    groups: dict[str, Group] = field(default_factory=dict)
    """By displayName."""

    async def patch(self, model: Any, id: str, *operations: PatchOperation) -> None:
        await self.client.modify(model, id, PatchOp[model](operations=list(operations)))


@pytest.fixture
async def portal() -> AsyncIterator[Portal]:
    port, token = free_port(), secrets.token_urlsafe(16)
    command = shutil.which("scim2-server") or str(Path(sys.executable).with_name("scim2-server"))
    process = await asyncio.create_subprocess_exec(
        command,
        "--port",
        str(port),
        "--bearer-token",
        token,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    http = httpx2.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})
    try:
        deadline = time.monotonic() + 20 * SCALE
        while True:
            try:
                if (await http.get("/ServiceProviderConfig")).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, "scim2-server did not start"
            await asyncio.sleep(0.1)
        provider = ScimProvider(
            models=(User, Group),
            resource_types=[ResourceType.from_resource(User), ResourceType.from_resource(Group)],
        )
        yield Portal(url, token, AsyncSCIMClient(http, provider=provider))
    finally:
        await http.aclose()
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)


def _name(i: int) -> str:
    return f"u{i:03d}"


def _groups_of(i: int) -> list[int]:
    """Everyone is in one group; the first 50 people in a second one as well."""
    return [i % GROUPS, (i + 1) % GROUPS] if i < GROUPS else [i % GROUPS]


async def _seed(portal: Portal) -> None:
    """500 people (and `director`, who exists locally already) and 50 groups, through the
    server's own SCIM API."""
    gate = asyncio.Semaphore(8)

    async def person(name: str, key: str) -> None:
        async with gate:
            portal.users[name] = await portal.client.create(
                User(
                    user_name=name,
                    external_id=key,
                    display_name=f"用户 {name}",
                    emails=[Email(value=f"{name}@city.gov.cn", type="work", primary=True)],
                    active=True,
                )
            )

    await asyncio.gather(
        *(person(_name(i), f"portal|{i}") for i in range(USERS)),
        person("director", "portal|director"),
    )
    members: dict[int, list[str]] = {g: [] for g in range(GROUPS)}
    for i in range(USERS):
        for g in _groups_of(i):
            members[g].append(str(portal.users[_name(i)].id))
    members[0].append(str(portal.users["director"].id))

    async def group(g: int) -> None:
        async with gate:
            portal.groups[f"g{g:02d}"] = await portal.client.create(
                Group(
                    display_name=f"g{g:02d}",
                    members=[GroupMember(value=m, type="User") for m in members[g]],
                )
            )

    await asyncio.gather(*(group(g) for g in range(GROUPS)))


async def _cli(settings: Settings, *args: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OFFICECLOUD_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DATABASE_URL=str(settings.database_url),
        OFFICECLOUD_DATA_DIR=str(settings.data_dir),
        COLUMNS="200",
    )
    process = await asyncio.create_subprocess_exec(
        CLI, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 300 * SCALE)
    assert process.returncode == 0, stderr.decode()
    return stdout.decode()


async def _directory(department: Any) -> dict[str, set[str]]:
    """username -> the names of the units they belong to (the root unit as ROOT)."""
    scope = department.scope
    units = {u.id: (u.name if u.external_id else ROOT) for u in await scope.query(OrgUnit)}
    names = dict(await scope.query(DirectoryUser).values_list("id", "username"))
    found: dict[str, set[str]] = {str(n): set() for n in names.values()}
    for user_id, unit_id in await scope.query(Membership).values_list("user_id", "org_unit_id"):
        found[str(names[user_id])].add(units[unit_id])
    return found


async def test_pull_from_the_reference_scim_server(
    portal: Portal, dispatch_office: Any, database: Settings
) -> None:
    await _seed(portal)
    department = dispatch_office.department
    scope = department.scope
    args = ("sync", "pull", "--tenant", department.tenant.code, "--url", portal.url)
    args += ("--token", portal.token)

    first = await _cli(database, *args)
    assert "Org units: 50 created" in first, first
    assert f"Users: {USERS} created, 1 updated" in first, "director is adopted by username"
    directory = await _directory(department)
    for i in range(USERS):
        assert directory[_name(i)] == {f"g{g:02d}" for g in _groups_of(i)}, _name(i)
    assert directory["director"] == {ROOT, "g00"}, "an adopted user keeps the units made here"
    director = await scope.query(DirectoryUser).get(username="director")
    assert director.external_subject == "portal|director"
    some = await scope.query(DirectoryUser).get(external_subject="portal|7")
    assert (some.username, some.email) == ("u007", "u007@city.gov.cn")

    audit = await scope.query(AuditEntry).count()
    assert (await pull(department.tenant.code, portal.url, portal.token)).changed == 0
    assert await scope.query(AuditEntry).count() == audit, (
        "a pull that changes nothing writes nothing"
    )

    document = await dispatch_office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": dispatch_office.type_id, "title": "草稿", "formData": {"body": "x"}},
        "document { id } ",
    )
    await dispatch_office.ok(
        "writer", "submitDocument", {"id": document["document"]["id"]}, "document { id } "
    )
    review = scope.query(Task).filter(assignee_id=director.id, status=TaskStatus.OPEN)
    assert await review.count() == 1

    await _change(portal)
    second = await _cli(database, *args)
    assert "0 created, 0 updated, 1 archived (11 members moved up)" in second, second
    assert "2 deprovisioned" in second
    assert "1 renamed, 1 open tasks handed over" in second
    await _check_changes(department, director.id, await _directory(department))
    assert (await pull(department.tenant.code, portal.url, portal.token)).changed == 0


async def _change(portal: Portal) -> None:
    users, groups = portal.users, portal.groups
    await portal.patch(
        User, users["u001"].id, PatchOperation(op="replace", path="userName", value="u001.new")
    )
    moved = str(users["u102"].id)
    g02, g10 = groups["g02"], groups["g10"]
    await portal.patch(
        Group,
        g02.id,
        PatchOperation(
            op="replace", path="members", value=[m for m in g02.members if m.value != moved]
        ),
    )
    await portal.patch(
        Group,
        g10.id,
        PatchOperation(op="add", path="members", value=[GroupMember(value=moved, type="User")]),
    )
    await portal.patch(
        User, users["u103"].id, PatchOperation(op="replace", path="active", value=False)
    )
    await portal.client.delete(User, users["director"].id)
    await portal.client.delete(Group, groups["g05"].id)


async def _check_changes(department: Any, director_id: Any, directory: dict[str, set[str]]) -> None:
    scope = department.scope
    renamed = await scope.query(DirectoryUser).get(external_subject="portal|1")
    assert renamed.username == "u001.new"
    assert directory["u102"] == {"g10"}, "moved from g02 to g10"
    leavers = await scope.query(DirectoryUser).filter(
        external_subject__in=["portal|103", "portal|director"]
    )
    assert {u.status for u in leavers} == {UserStatus.DEPROVISIONED}
    open_tasks = await scope.query(Task).filter(status=TaskStatus.OPEN)
    assert len(open_tasks) == 1
    assert open_tasks[0].assignee_id != director_id, "the leaver's open task was handed over"
    g05 = await scope.query(OrgUnit).get(name="g05")
    assert g05.archived_at is not None
    assert not await scope.query(Membership).filter(org_unit_id=g05.id).exists()
    assert directory["u005"] == {"g06"}, "in a second group: it stays there"
    assert directory["u055"] == {ROOT}, "only in the archived unit: moved up to its parent"
    assert directory["u004"] == {"g04"}, "(u004 was in g04 and g05; g05 is gone)"
