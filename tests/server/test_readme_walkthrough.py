"""The README's walkthrough runs as written: its shell blocks, pasted in order into bash in a
second terminal against a fresh demo, print what their `# →` lines say (`…` matches anything),
over real HTTP with curl. On PostgreSQL + Redis (`officecloud demo`, then `serve`), and on the
embedded SQLite default exactly as `make run` starts it (`serve --demo`)."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG_ADMIN_URL
from tests.processes import CLI, budget, env_for, free_port, run, wait_ready

README = Path(__file__).parents[2] / "README.md"
SECTION = "## Walkthrough"
EXPECT = "# → "
MARK = "@@ step done @@"


@dataclass
class Step:
    script: str
    expected: str | None
    """What the script prints, or None: it prints nothing."""

    def matches(self, printed: str) -> bool:
        if self.expected is None:
            return printed == ""
        pattern = ".*?".join(re.escape(part) for part in self.expected.split("…"))
        return re.fullmatch(pattern, printed) is not None


def walkthrough() -> list[Step]:
    """The walkthrough's shell blocks, cut after each command that shows what it prints."""
    text = README.read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ")]
    steps: list[Step] = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        lines: list[str] = []
        for line in block.splitlines():
            if line.startswith(EXPECT):
                steps.append(Step("\n".join(lines), line.removeprefix(EXPECT)))
                lines = []
            else:
                lines.append(line)
        if lines:
            steps.append(Step("\n".join(lines), None))
    return steps


def test_the_walkthrough_is_found() -> None:
    steps = walkthrough()
    shown = [s.expected for s in steps if s.expected]
    assert len(shown) >= 12
    assert any('"status":"ARCHIVED"' in s for s in shown)
    assert any("signIncomingItem" in s for s in shown)
    assert any("claimTask" in s.script for s in steps)


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[None]:
    log = Path(env["OFFICECLOUD_DATA_DIR"]).parent / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([CLI, "serve", *args], env=env, stdout=sink, stderr=sink)
    health = f"http://127.0.0.1:{env['OFFICECLOUD_PORT']}/healthz"
    try:
        wait_ready(health, process=process, log=log)
        yield
    finally:
        process.terminate()
        process.wait(timeout=budget(30))


def follow_the_readme(env: dict[str, str], workdir: Path) -> None:
    """Paste every block into one bash, as a reader would, and compare what each command
    printed with the README."""
    venv = workdir / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "officecloud").symlink_to(CLI)
    steps = walkthrough()
    script = "".join(f"{step.script}\necho '{MARK}'\n" for step in steps)
    done = subprocess.run(
        ["bash"],
        input=script,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=budget(300),
    )
    assert done.stderr == ""
    printed = done.stdout.split(MARK + "\n")
    assert len(printed) == len(steps) + 1
    for step, output in zip(steps, printed, strict=False):
        assert step.matches(output.strip()), (step.script, step.expected, output)


@pytest.mark.slow
async def test_the_walkthrough_on_postgresql(tmp_path: Path, redis_url: str) -> None:
    name = f"oc_readme_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = env_for(
            tmp_path / "data",
            DATABASE_URL=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
            REDIS_URL=redis_url,
            OFFICECLOUD_PORT=str(free_port()),
        )
        run(env, "migrate")
        run(env, "demo")
        with serving(env):
            follow_the_readme(env, tmp_path / "terminal")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.mark.slow
def test_the_walkthrough_on_the_embedded_default(tmp_path: Path) -> None:
    env = env_for(tmp_path / "data", OFFICECLOUD_PORT=str(free_port()))
    with serving(env, "--demo"):
        follow_the_readme(env, tmp_path / "terminal")
