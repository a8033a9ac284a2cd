"""Migration 0011 on a database that already holds usernames differing only in case: the
oldest keeps its name, the later one is renamed, and the unique index on lower(username) is
built (PostgreSQL, through Tortoise's own migrate and downgrade commands)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]
TORTOISE = str(Path(sys.executable).with_name("tortoise"))
OFFICECLOUD = str(Path(sys.executable).with_name("officecloud"))
LATER = "ffffffff-ffff-7fff-bfff-ffffffffffff"


def _run(env: dict[str, str], *command: str) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


async def test_case_duplicates_are_renamed_before_the_index_is_built(tmp_path: Path) -> None:
    name = f"oc_mig_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OFFICECLOUD_", "REDIS"))},
        "DATABASE_URL": url,
        "OFFICECLOUD_DATA_DIR": str(tmp_path),
    }
    try:
        _run(env, OFFICECLOUD, "migrate")
        _run(
            env,
            OFFICECLOUD,
            "create-tenant",
            "--code",
            "tjj",
            "--name",
            "统计局",
            "--admin",
            "boss",
        )
        _run(env, TORTOISE, "downgrade", "officecloud", "0010_application_status")
        db = await asyncpg.connect(url)
        try:
            await db.execute(
                "CREATE TEMP TABLE twin AS SELECT * FROM app_user WHERE username = 'boss'"
            )
            await db.execute(
                "UPDATE twin SET id = $1, username = 'BOSS', external_subject = NULL",
                uuid.UUID(LATER),
            )
            await db.execute("INSERT INTO app_user SELECT * FROM twin")
            _run(env, OFFICECLOUD, "migrate")
            names = await db.fetch("SELECT id::text, username FROM app_user ORDER BY id")
            assert [r["username"] for r in names if r["username"].lower().startswith("boss")] == [
                "boss",
                "BOSS-ffffffff",
            ]
            with pytest.raises(asyncpg.UniqueViolationError):
                await db.execute(
                    "UPDATE app_user SET username = 'Boss' WHERE id = $1", uuid.UUID(LATER)
                )
        finally:
            await db.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
