"""`serve --workers N`: the parent process starts N workers sharing the port (`SO_REUSEPORT`)
and keeps N running.

A worker that exits on its own (crashed, killed, out of memory) is logged with its exit code or
signal and restarted after a backoff (0.5 s, doubling per recent restart, at most 30 s). More
than `restart_limit` restarts within `restart_window` seconds is a crash loop: the supervisor
stops the others and exits with 1, so whatever runs it (systemd, Kubernetes) sees the failure.
SIGTERM or SIGINT is passed to every worker, each drains (`server/lifecycle.py`), and workers
still running `drain + 5` seconds later are killed. `/metrics` shows the live and expected
workers and the restarts (`officecloud_workers_live`, `…_expected`, `…_restarts_total`)."""

from __future__ import annotations

import collections
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

log = logging.getLogger("officecloud.supervisor")
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
CRASH_LOOP_EXIT = 1


class Supervisor:
    def __init__(
        self,
        target: Callable[..., None],
        args: tuple[Any, ...],
        *,
        workers: int,
        restart_limit: int,
        restart_window: float,
        drain: float,
        metrics_dir: Path,
    ) -> None:
        self.target, self.args, self.count = target, args, workers
        self.restart_limit, self.restart_window, self.drain = restart_limit, restart_window, drain
        self.stopping = False
        self.restarts: collections.deque[float] = collections.deque()
        self.due: dict[int, float] = {}
        """Slots whose worker exited, and when to start the next one."""
        self.slots: dict[int, BaseProcess] = {}
        self._context = multiprocessing.get_context("spawn")
        _prepare_metrics(metrics_dir)
        from server import metrics

        self.metrics = metrics

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.metrics.WORKERS_EXPECTED.set(self.count)
        for slot in range(self.count):
            self._start(slot)
        while not self.stopping:
            self._wait(timeout=0.5)
            if self._crash_loop():
                log.error(
                    "workers crash-looping (%d restarts within %.0fs); stopping",
                    len(self.restarts),
                    self.restart_window,
                )
                self._shutdown()
                return CRASH_LOOP_EXIT
            now = time.monotonic()
            for slot, when in list(self.due.items()):
                if when <= now and not self.stopping:
                    del self.due[slot]
                    self._start(slot)
        self._shutdown()
        return 0

    def _start(self, slot: int) -> None:
        process = self._context.Process(
            target=self.target, args=self.args, name=f"worker-{slot}", daemon=False
        )
        process.start()
        self.slots[slot] = process
        log.info("worker %d started (pid %s)", slot, process.pid)
        self._count_live()

    def _wait(self, timeout: float) -> None:
        sentinels = {p.sentinel: slot for slot, p in self.slots.items()}
        for ready in multiprocessing.connection.wait(list(sentinels), timeout):
            self._exited(sentinels[ready])  # type: ignore[index]

    def _exited(self, slot: int) -> None:
        process = self.slots.pop(slot)
        process.join()
        if process.pid is not None:
            self.metrics.worker_exited(process.pid)
        self._count_live()
        if self.stopping:
            return
        now = time.monotonic()
        self.restarts.append(now)
        while self.restarts and self.restarts[0] < now - self.restart_window:
            self.restarts.popleft()
        backoff = min(FIRST_BACKOFF * 2 ** (len(self.restarts) - 1), MAX_BACKOFF)
        log.error(
            "worker %d (pid %s) exited %s; restarting in %.1fs",
            slot,
            process.pid,
            _how(process.exitcode),
            backoff,
        )
        self.metrics.WORKER_RESTARTS.inc()
        self.due[slot] = now + backoff

    def _crash_loop(self) -> bool:
        return len(self.restarts) > self.restart_limit

    def _stop(self, signum: int, frame: Any) -> None:
        if not self.stopping:
            log.info("%s: stopping the workers", signal.Signals(signum).name)
        self.stopping = True

    def _shutdown(self) -> None:
        self.stopping = True
        self.due.clear()
        for process in self.slots.values():
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + self.drain + 5
        while self.slots and time.monotonic() < deadline:
            self._wait(timeout=max(deadline - time.monotonic(), 0.01))
        for process in self.slots.values():
            log.error("worker pid %s did not stop in time; killing it", process.pid)
            process.kill()
            process.join()
        self.slots.clear()
        self._count_live()

    def _count_live(self) -> None:
        self.metrics.WORKERS_LIVE.set(sum(p.is_alive() for p in self.slots.values()))


def _how(code: int | None) -> str:
    if code is not None and code < 0:
        return f"on signal {signal.Signals(-code).name}"
    return f"with code {code}"


def _prepare_metrics(directory: Path) -> None:
    """prometheus-client picks its multiprocess mode when first imported, so the directory is
    named before `server.metrics` is; the operator's own choice is kept."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
