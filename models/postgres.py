"""The PostgreSQL client: Tortoise's asyncpg client, made to survive a connection lost at the
end of a statement or a transaction. `server.settings` names this module as the Tortoise engine
of PostgreSQL URLs.

Returning a connection to asyncpg's pool resets it (`RESET ALL`, `UNLISTEN *`, …), which fails
when the connection was cut; asyncpg then discards the connection and raises. Tortoise's
transaction context releases before it resets its context variable, so that error (1) turned a
committed transaction into an error, and (2) left the task's context pointing at the released
connection: every later transaction of the task failed with "connection has been released back
to the pool" (a background loop, for good). Here the context is reset first and a failed
release after a finished statement or transaction is logged, not raised: the pool has already
dropped the broken connection and opens a new one when asked.

Nor does the pool reset a connection it takes back: asyncpg's default runs one more statement
per release (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`), half of
the inbox's statements. Nothing of ours changes session state on a pooled connection (no
`SET` without `LOCAL`, `LISTEN`, session advisory lock or cursor held past a transaction;
`tests/server/test_session_state.py` checks the code), so there is nothing to reset; asyncpg
still rolls back a transaction left open before calling `reset`.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    PoolConnectionWrapper,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

log = logging.getLogger(__name__)


class _Transaction(TransactionContextPooled):
    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            if not self.client._finalized:
                if exc_type is None:
                    await self.client.commit()
                elif exc_type is not TransactionManagementError:
                    await _rollback(self.client)
        finally:
            get_connections().reset(self.token)
            await _release(self.client._parent, self.client._connection)


class _Connection(PoolConnectionWrapper[Any]):
    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        await _release(self.client, self.connection)


async def _rollback(client: Any) -> None:
    """Roll back after an error; if the connection is gone, so is the transaction, and the
    error that got us here is the one to report."""
    try:
        await client.rollback()
    except Exception as exc:
        log.warning("rollback failed (the connection is gone): %s", exc)


async def _release(client: Any, connection: Any) -> None:
    pool = client._pool
    if pool is None or connection is None:
        return
    try:
        await pool.release(connection)
    except Exception as exc:
        log.warning("a database connection was lost and discarded: %s", exc)


async def _keep_session(connection: asyncpg.Connection) -> None:
    """The pool's `reset`: nothing to undo (see the module docstring)."""


class Client(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=_keep_session, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return _Transaction(TransactionWrapper(self), self._pool_init_lock)

    def acquire_connection(self) -> Any:
        return _Connection(self, self._pool_init_lock)


client_class = Client
