"""Officecloud as other processes: the `officecloud` command, a free port, the environment of a
fresh data dir, a server started with `serve` (on the test database and a Redis, for the
multi-process and fault tests), a throwaway redis-server to stop and start, the workers of a
`--workers N` parent, and waiting for a process to be ready.

Time limits that a busy machine may need more of go through `budget`: set
OFFICECLOUD_TEST_TIMEOUT_SCALE=3 to give every readiness wait (and the other such limits) three
times as long."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from server.settings import Settings
from tests.conftest import DEPLOYMENT, GraphQL

CLI = str(Path(sys.executable).with_name("officecloud"))
REDIS_SERVER = shutil.which("redis-server")
TIMEOUT_SCALE = float(os.environ.get("OFFICECLOUD_TEST_TIMEOUT_SCALE") or 1)


def budget(seconds: float) -> float:
    """`seconds` scaled by OFFICECLOUD_TEST_TIMEOUT_SCALE (default 1)."""
    return seconds * TIMEOUT_SCALE


def wait_ready(
    target: str | int,
    *,
    process: subprocess.Popen[Any] | asyncio.subprocess.Process | None = None,
    log: Path | None = None,
    seconds: float = 60,
) -> None:
    """Wait until `target` (a URL answering 200, or a local TCP port accepting) is ready, for
    `budget(seconds)`; fail at once if `process` ends first, showing the end of its `log`.

    60 s by default: a server imports the whole application (seconds of CPU per process, one
    more per worker), and on two busy cores `serve --workers 2` took over 10 s; `serve --demo`
    on a fresh embedded database (migrations, then the demo departments) takes 25–27 s on an
    idle machine, and went past 30 s in full runs. Waiting longer costs nothing when it is
    ready sooner."""
    deadline = time.monotonic() + budget(seconds)
    while not _answers(target):
        code = _exit_code(process)
        if code is not None:
            pytest.fail(f"the process ended ({code}) before {target} was ready{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"{target} was not ready within {budget(seconds):g} s (raise it with "
                f"OFFICECLOUD_TEST_TIMEOUT_SCALE, now {TIMEOUT_SCALE:g}){_tail(log)}"
            )
        time.sleep(0.05)


async def wait_ready_async(target: str | int, **options: Any) -> None:
    """`wait_ready` without blocking the event loop."""
    await asyncio.to_thread(wait_ready, target, **options)


def _exit_code(process: subprocess.Popen[Any] | asyncio.subprocess.Process | None) -> int | None:
    if isinstance(process, subprocess.Popen):
        return process.poll()
    return None if process is None else process.returncode


def _answers(target: str | int) -> bool:
    try:
        if isinstance(target, int):
            socket.create_connection(("127.0.0.1", target), timeout=1).close()
            return True
        with urllib.request.urlopen(target, timeout=1) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def _tail(log: Path | None) -> str:
    return f":\n{log.read_text(errors='replace')[-3000:]}" if log and log.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OFFICECLOUD_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(OFFICECLOUD_DATA_DIR=str(data_dir), OFFICECLOUD_DEV_MODE="true")
    env.update({"OFFICECLOUD_DEPLOYMENT": DEPLOYMENT, **extra})
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@asynccontextmanager
async def serving(env: dict[str, str], *args: str) -> AsyncIterator[str]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        CLI, "serve", "--port", str(port), *args, env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready_async(f"{base}/healthz", process=process)
        yield base
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), budget(20))


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
        OFFICECLOUD_DEPLOYMENT=settings.deployment,
        OFFICECLOUD_DEV_MODE="true",
        OFFICECLOUD_LOG_JSON="false",
        OFFICECLOUD_LOG_LEVEL="WARNING",
        OFFICECLOUD_OUTBOX_RELAY_INTERVAL_SECONDS="0.2",
        OFFICECLOUD_OUTBOX_RELAY_GRACE_SECONDS="0.5",
    )
    env.update(extra)
    return env


@asynccontextmanager
async def start_server(env: dict[str, str], log: Path, *args: str) -> AsyncIterator[Served]:
    """`officecloud serve` with its output in `log`, ready on `/readyz`."""
    port = free_port()
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            CLI, "serve", "--port", str(port), *args, env=env, stdout=sink, stderr=sink
        )
    server = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        await wait_ready_async(f"{server.base}/readyz", process=process, log=log)
        yield server
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), budget(30))


def client(http: aiohttp.ClientSession, served: Served, gql: GraphQL) -> GraphQL:
    return GraphQL(http, f"{served.base}/graphql", gql.issuer)


@asynccontextmanager
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
        await wait_ready_async(port, process=process)
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
