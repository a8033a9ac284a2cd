"""What other domains do, in the same transaction, when a document's flow ends.

Notices and publication issues are approved by running a document of a type the tenant
chooses through the one flow engine; when that document completes (or is rejected,
withdrawn, terminated) the notice or issue is published (or sent back). Those domains import
documents, so documents cannot import them: they register a listener here at import time,
and `Run.save` calls every listener once the document reaches an end state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.documents.runtime import Run

Listener = Callable[["Run"], Awaitable[None]]
_listeners: list[Listener] = []


def listen(listener: Listener) -> Listener:
    """Register `listener` (a decorator); each is called with the run of every document
    whose flow has just ended, and decides itself whether the document concerns it."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


async def ended(run: Run) -> None:
    for listener in _listeners:
        await listener(run)
