"""Real server processes for the multi-process and fault tests: `officecloud serve` started on a
free port with the test database and a Redis, a throwaway redis-server to stop and start, and
the workers of a `--workers N` parent. Readiness waits scale with
`OFFICECLOUD_TEST_TIMEOUT_SCALE` (default 1)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from server.settings import Settings
from tests.conftest import GraphQL

CLI = str(Path(sys.executable).with_name("officecloud"))
REDIS_SERVER = shutil.which("redis-server")
SCALE = float(os.environ.get("OFFICECLOUD_TEST_TIMEOUT_SCALE", "1") or 1)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    base: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"

    def children(self) -> list[int]:
        """Pids of the worker processes of a `--workers N` parent."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in path.read_text().split()] if path.exists() else []
        return [pid for pid in pids if _is_worker(pid)]


def _is_worker(pid: int) -> bool:
    """A spawned worker, not multiprocessing's resource tracker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"spawn_main" in command and b"resource_tracker" not in command


def server_env(settings: Settings, redis_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OFFICECLOUD_", "DATABASE_URL", "REDIS_URL", "PROMETHEUS_"))
    }
    env.update(
        DATABASE_URL=str(settings.database_url),
        REDIS_URL=redis_url,
        OFFICECLOUD_DATA_DIR=str(settings.data_dir),
        OFFICECLOUD_PUBLIC_URL=settings.public_url,
        OFFICECLOUD_DEV_MODE="true",
        OFFICECLOUD_LOG_JSON="false",
        OFFICECLOUD_LOG_LEVEL="WARNING",
        OFFICECLOUD_OUTBOX_RELAY_INTERVAL_SECONDS="0.2",
        OFFICECLOUD_OUTBOX_RELAY_GRACE_SECONDS="0.5",
    )
    env.update(extra)
    return env


@contextlib.asynccontextmanager
async def serving(env: dict[str, str], log: Path, *args: str) -> AsyncIterator[Served]:
    port = free_port()
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            CLI, "serve", "--port", str(port), *args, env=env, stdout=sink, stderr=sink
        )
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        await wait_ready(served)
        yield served
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)


async def wait_ready(served: Served, seconds: float = 30.0) -> None:
    async with aiohttp.ClientSession() as http:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds * SCALE
        while loop.time() < deadline:
            if served.process.returncode is not None:
                break
            try:
                async with http.get(f"{served.base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    pytest.fail(f"the server did not become ready:\n{served.log.read_text()}")


def client(http: aiohttp.ClientSession, served: Served, gql: GraphQL) -> GraphQL:
    return GraphQL(http, f"{served.base}/graphql", gql.issuer)


@contextlib.asynccontextmanager
async def throwaway_redis(port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    """A redis-server of the test's own, to stop and start (never the shared ones)."""
    assert REDIS_SERVER
    process = await asyncio.create_subprocess_exec(
        REDIS_SERVER,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.02)
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
