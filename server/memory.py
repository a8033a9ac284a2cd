"""The garbage collector of a serving process. Start-up leaves some hundred thousand long-lived
objects (schema, models, modules); every full collection walks them all again. `gc.freeze()`
moves them out of the collector's sight, and a larger first-generation threshold collects less
often while a request's short-lived objects die by reference counting anyway. Measured in
bench/README.md ("Step 1")."""

from __future__ import annotations

import gc
from typing import Any

from aiohttp import web

from server.settings import Settings


def tune(settings: Settings) -> Any:
    """An `on_startup` hook for `serve`: freeze what start-up made, then set the thresholds."""

    async def hook(app: web.Application) -> None:
        if not settings.gc_tuning:
            return
        gc.collect()
        gc.freeze()
        gc.set_threshold(*settings.gc_threshold)

    return hook
