"""The `scim2-tester` conformance suite, run as an integrator runs it (`scim2-cli test`, a
separate process), against the live `/scim/v2` with a tenant's bearer token. Every check
passes: docs/sso.md lists none that cannot."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import GraphQL
from tests.sso.support import scim_token

pytestmark = pytest.mark.slow
SCIM_CLI = str(Path(sys.executable).with_name("scim2"))
SCALE = float(os.environ.get("OFFICECLOUD_TEST_TIMEOUT_SCALE", "1"))
EXPECTED_FAILURES: set[str] = set()
"""Checks that cannot pass, each with its RFC reason in docs/sso.md: none."""


async def test_scim2_cli_conformance_suite_passes(
    server: TestServer, gql: GraphQL, make_department
) -> None:
    token = await scim_token(gql, await make_department())
    env = {**os.environ, "SCIM_CLI_HEADERS": f"Authorization: Bearer {token}", "NO_COLOR": "1"}
    process = await asyncio.create_subprocess_exec(
        SCIM_CLI,
        "--url",
        str(server.make_url("/scim/v2")),
        "test",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 300 * SCALE)
    report = output.decode()
    results = re.findall(r"^(SUCCESS|ERROR|CRITICAL|SKIPPED|\w+) (\w+)$", report, re.MULTILINE)
    failed = {title for status, title in results if status != "SUCCESS"}
    passed = [title for status, title in results if status == "SUCCESS"]
    assert failed == EXPECTED_FAILURES, report
    assert len(passed) >= 80, report  # discovery, CRUD, attributes, PATCH add/remove/replace
    assert process.returncode == (1 if EXPECTED_FAILURES else 0), report
