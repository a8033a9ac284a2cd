"""The audit log is a hash chain per tenant: `officecloud audit verify` finds the first break."""

from __future__ import annotations

import os
import subprocess

import pytest
from tortoise import connections

from models.audit import AuditEntry
from models.directory import OrgUnit
from server.settings import Settings
from services import audit, directory
from tests.processes import CLI


def verify_cli(settings: Settings, tenant_code: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.db_url,
        "OFFICECLOUD_DATA_DIR": str(settings.data_dir),
    }
    return subprocess.run(
        [CLI, "audit", "verify", "--tenant", tenant_code], env=env, capture_output=True, text=True
    )


@pytest.mark.slow
async def test_tampering_with_one_entry_is_found(database: Settings, make_department) -> None:
    department = await make_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    for name in ("办公室", "财务处", "人事处"):
        await directory.create_org_unit(department.actor, name=name, parent_id=root.id)
    entries = await department.scope.query(AuditEntry).order_by("seq")
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert [e.action for e in entries][-3:] == ["org_unit.created"] * 3
    assert await audit.verify(department.tenant.id) is None
    intact = verify_cli(database, department.tenant.code)
    assert intact.returncode == 0, intact.stderr
    assert "chain intact" in intact.stdout

    victim = entries[-2]
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET data = $1 WHERE id = $2", ['{"name": "伪造"}', str(victim.id)]
    )
    broken = await audit.verify(department.tenant.id)
    assert broken is not None
    assert (broken.seq, broken.reason) == (victim.seq, "entry content does not match its hash")
    report = verify_cli(database, department.tenant.code)
    assert report.returncode == 1
    assert f"broken at entry {victim.seq}" in report.stdout


async def test_a_deleted_entry_breaks_the_chain(make_department) -> None:
    department = await make_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    await directory.create_org_unit(department.actor, name="办公室", parent_id=root.id)
    await directory.create_org_unit(department.actor, name="财务处", parent_id=root.id)
    first = await department.scope.query(AuditEntry).order_by("seq").first()
    assert first is not None
    await connections.get("default").execute_query(
        "DELETE FROM audit_entry WHERE id = $1", [str(first.id)]
    )
    broken = await audit.verify(department.tenant.id)
    assert broken is not None
    assert (broken.seq, broken.reason) == (1, "entry 1 is missing")
