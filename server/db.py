"""Database lifecycle: connect once per process, and apply migrations safely from many."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg
from tortoise import Tortoise
from tortoise.context import TortoiseContext, get_current_context
from tortoise.migrations.api import migrate as tortoise_migrate

from server.settings import Settings

MIGRATION_LOCK = 0x0FF1CE  # pg_advisory_lock key: one migrator at a time


async def connect(settings: Settings) -> bool:
    """Initialise Tortoise for this process; False if it already was (tests share one)."""
    current = get_current_context()
    if current is not None and current.inited:
        return False
    await Tortoise.init(config=settings.tortoise_config(), _enable_global_fallback=True)
    return True


async def disconnect() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings) -> None:
    """Apply pending migrations; concurrent callers on PostgreSQL wait for each other."""
    config = settings.tortoise_config()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    async with _migration_lock(settings), TortoiseContext() as ctx:
        await ctx.init(config=config)
        await tortoise_migrate(config=config)


@contextlib.asynccontextmanager
async def _migration_lock(settings: Settings) -> AsyncIterator[None]:
    if settings.embedded:
        yield
        return
    conn = await asyncpg.connect(settings.db_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        yield
    finally:
        await conn.close()
