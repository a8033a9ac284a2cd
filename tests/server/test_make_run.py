"""`make run` as a newcomer meets it: the port is theirs to choose (and the printed lines follow
it), a busy port is one clear line at once, and the Makefile finds any Python 3.11 or newer."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import CLI, budget, env_for, free_port, wait_ready

ROOT = Path(__file__).parents[2]
MAKE = shutil.which("make")


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def make_ready() -> None:
    """`make run` must not rebuild the venv inside a test."""
    if MAKE is None:
        pytest.skip("make is not installed")
    done = subprocess.run([MAKE, "-q", ".venv/bin/officecloud"], cwd=ROOT, capture_output=True)
    if done.returncode != 0 and os.environ.get("CI", "").lower() != "true":
        pytest.skip("the repository's .venv is not built by make")


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.slow
def test_a_busy_port_is_one_clear_line_at_once(
    busy_port: int, tmp_path: Path, redis_url: str, workers: str
) -> None:
    env = env_for(tmp_path, REDIS_URL=redis_url)
    started = time.monotonic()
    done = subprocess.run(
        [CLI, "serve", "--port", str(busy_port), "--workers", workers],
        env=env,
        capture_output=True,
        text=True,
        timeout=budget(30),
    )
    assert time.monotonic() - started < budget(5)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in lines[0]


@pytest.mark.slow
def test_make_run_on_a_busy_port(busy_port: int, tmp_path: Path) -> None:
    make_ready()
    assert MAKE is not None
    started = time.monotonic()
    process = subprocess.Popen(
        [MAKE, "--no-print-directory", "run", f"PORT={busy_port}"],
        cwd=ROOT,
        env=env_for(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=budget(30))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert time.monotonic() - started < budget(5)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in done.stderr
    assert "Demo accounts" not in done.stdout, "checked before anything else runs"


@pytest.mark.slow
def test_make_run_serves_on_the_port_chosen_and_prints_it(tmp_path: Path) -> None:
    make_ready()
    assert MAKE is not None
    port = free_port()
    log = tmp_path / "out.txt"
    with log.open("w") as out:
        process = subprocess.Popen(
            [MAKE, "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env_for(tmp_path / "data"),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", process=process, log=log)
        printed = log.read_text()
        url = f"http://127.0.0.1:{port}/graphql"
        assert f"curl -s {url} " in printed
        assert f"GraphiQL at {url}" in printed
        token = re.search(r"Bearer (\S+?)'", printed)
        assert token is not None
        request = urllib.request.Request(
            url,
            data=b'{"query": "{ viewer { user { username } } }"}',
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token[1]}"},
        )
        with urllib.request.urlopen(request, timeout=budget(10)) as response:  # noqa: S310
            assert b'"username":"li.na"' in response.read()
        reference = f"http://127.0.0.1:{port}/docs/api"
        assert f"API reference at {reference}" in printed
        with urllib.request.urlopen(reference, timeout=budget(30)) as response:
            assert b'id="Query-myTasks"' in response.read()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=budget(30))


def fake_bin(tmp_path: Path, **versions: str) -> Path:
    """Commands named like Pythons: each answers the Makefile's version probe as `version`
    would (real: this interpreter; old: a Python 3.10)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, kind in versions.items():
        command = folder / name
        if kind == "real":
            command.symlink_to(sys.executable)
        else:
            command.write_text("#!/bin/sh\nexit 1\n")  # like 3.10: prints nothing useful
            command.chmod(0o755)
    return folder


def make_dry_run(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    assert MAKE is not None
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, project / name)
    return subprocess.run(
        [MAKE, "-n", ".venv/bin/officecloud"],
        cwd=project,
        env={"PATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=budget(30),
    )


def test_the_makefile_takes_python3_when_it_is_new_enough(tmp_path: Path) -> None:
    if MAKE is None:
        pytest.skip("make is not installed")
    done = make_dry_run(fake_bin(tmp_path, python3="real", **{"python3.11": "real"}), tmp_path)
    assert "python3 -m venv .venv" in done.stdout, done.stdout + done.stderr


def test_the_makefile_falls_back_to_a_versioned_python(tmp_path: Path) -> None:
    if MAKE is None:
        pytest.skip("make is not installed")
    done = make_dry_run(fake_bin(tmp_path, python3="old", **{"python3.11": "real"}), tmp_path)
    assert "python3.11 -m venv .venv" in done.stdout, done.stdout + done.stderr


def test_the_makefile_says_which_python_it_needs(tmp_path: Path) -> None:
    if MAKE is None:
        pytest.skip("make is not installed")
    folder = fake_bin(tmp_path, python3="old")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    done = subprocess.run(
        [MAKE, ".venv/bin/officecloud"],
        cwd=project,
        env={"PATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=budget(30),
    )
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr
    assert not (project / ".venv").exists()


def test_pyproject_accepts_every_python_from_3_11() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
