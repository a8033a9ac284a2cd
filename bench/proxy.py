"""A TCP proxy in front of PostgreSQL (or anything else) that the fault tests and `bench/chaos.py`
cut and restore at will."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Proxy:
    """Forwards 127.0.0.1:`port` to `target`. `cut()` drops every open connection and refuses new
    ones until `restore()`; `cut_after(marker)` drops the connection whose server side next sends
    `marker`, right after forwarding it (the client has the answer, then loses the connection)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.refusing = False
        self._marker: bytes | None = None
        self._cut_on_marker = asyncio.Event()
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        self.refusing = True
        for pair in list(self._pairs):
            self._drop(pair)

    def restore(self) -> None:
        self.refusing = False

    def cut_after(self, marker: bytes) -> asyncio.Event:
        """Arm a one-time cut; the event is set once it happened."""
        self._marker = marker
        self._cut_on_marker.clear()
        return self._cut_on_marker

    @property
    def connections(self) -> int:
        return len(self._pairs)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, pair, watch=False),
                self._pipe(up_reader, writer, pair, watch=True),
            )
        finally:
            self._drop(pair)

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
        *,
        watch: bool,
    ) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
                if watch and self._marker is not None and self._marker in chunk:
                    self._marker = None
                    self._hang_up(pair)
                    self._cut_on_marker.set()
                    return
        self._drop(pair)

    def _hang_up(self, pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter]) -> None:
        """After the marker: the server's side is dropped, the client's ends with a FIN after
        what was forwarded (an abort's RST could discard the answer before the client read it,
        which is not the fault under test); `close()` aborts what is left."""
        client, server = pair
        self._pairs.discard(pair)
        server.transport.abort()
        if client.can_write_eof():
            client.write_eof()
        else:
            client.transport.abort()

    def _drop(self, pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter]) -> None:
        if pair in self._pairs:
            self._pairs.discard(pair)
            for writer in pair:
                writer.transport.abort()


@contextlib.asynccontextmanager
async def proxy_to(host: str, port: int) -> AsyncIterator[Proxy]:
    proxy = Proxy(host, port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
