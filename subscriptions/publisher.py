"""Publishing events on the bus right after commit; what fails here the relay retries."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime

from models.outbox import OutboxEvent
from subscriptions import bus
from subscriptions.events import Event

log = logging.getLogger(__name__)

_exit_after_commit: str | None = None
CRASH_EXIT_CODE = 86
_committed: list[Callable[[Event], None]] = []


def on_committed(handler: Callable[[Event], None]) -> Callable[[], None]:
    """`handler` sees this process's events right after their commit, before the bus has
    them (so what the committing process caches is dropped before its next request); returns
    the function that removes it."""
    _committed.append(handler)
    return lambda: _committed.remove(handler)


def exit_after_commit(topic: str | None) -> None:
    """TEST ONLY: end the process with `os._exit` right after a transaction that emitted
    `topic` commits, before it is published (see `Settings.test_exit_after_commit_topic`)."""
    global _exit_after_commit
    _exit_after_commit = topic


async def publish_committed(events: list[Event]) -> None:
    """Publish right after commit; a failure leaves the rows for the relay to retry."""
    if _exit_after_commit and any(e.topic == _exit_after_commit for e in events):
        log.warning("test setting: exiting after commit, before publishing %s", events)
        os._exit(CRASH_EXIT_CODE)
    for event in events:
        for handler in _committed:
            try:
                handler(event)
            except Exception:
                log.exception("commit handler failed on %s", event.id)
    current = bus.current()
    if current is None or not events:
        return
    try:
        await current.publish(events)
    except bus.BusUnavailable:
        log.debug("bus down, the relay will publish %d events", len(events))
        return
    except Exception as exc:
        log.warning("publishing %d events failed, the relay will retry: %s", len(events), exc)
        return
    await OutboxEvent.filter(id__in=[e.id for e in events], published_at=None).update(
        published_at=datetime.now(UTC)
    )
