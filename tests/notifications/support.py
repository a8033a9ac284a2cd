"""Real peers for the outbound channels: an SMTP server process (aiosmtpd, writing a Maildir)
and an HTTP gateway that records what it is sent (and can be told to fail)."""

from __future__ import annotations

import asyncio
import mailbox
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_binary_file
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from services.notifications.delivery import (
    SIGNATURE_HEADER,
    Smtp,
    Transports,
    Webhook,
    signature,
)
from tests.processes import free_port, wait_ready_async

SECRET = "gateway-secret"


@dataclass
class SmtpServer:
    port: int
    maildir: Path

    def messages(self, to: str | None = None) -> list[Message]:
        """Every message received so far (to `to`, when given), parsed."""
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        found = []
        for key in box.iterkeys():
            with box.get_file(key) as raw:
                message = message_from_binary_file(raw, policy=default)
            if to is None or message["To"] == to:
                found.append(message)
        return found


@asynccontextmanager
async def smtp_server(tmp: Path) -> AsyncIterator[SmtpServer]:
    """`python -m aiosmtpd` as another process, storing what it receives in a Maildir."""
    port, maildir = free_port(), tmp / "maildir"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        f"127.0.0.1:{port}",
        "-c",
        "aiosmtpd.handlers.Mailbox",
        str(maildir),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_ready_async(port, process=process)
        yield SmtpServer(port, maildir)
    finally:
        process.terminate()
        await process.wait()


@dataclass
class Gateway:
    """An SMS / IM gateway: answers `status`, keeps every request it was sent."""

    url: str = ""
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append(
            {
                "body": orjson.loads(body),
                "key": request.headers.get("Idempotency-Key"),
                "signed": request.headers.get(SIGNATURE_HEADER) == signature(SECRET, body),
            }
        )
        return web.Response(status=self.status)


@asynccontextmanager
async def gateway() -> AsyncIterator[Gateway]:
    app, hook = web.Application(), Gateway()
    app.router.add_post("/send", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    hook.url = f"http://127.0.0.1:{port}/send"
    try:
        yield hook
    finally:
        await runner.cleanup()


def transports(smtp: SmtpServer | None = None, sms: Gateway | None = None) -> Transports:
    return Transports(
        email=Smtp("127.0.0.1", smtp.port, sender="oa@example.gov.cn") if smtp else None,
        sms=Webhook(sms.url, SECRET) if sms else None,
        link_base="https://oa.example.gov.cn/#/node/",
    )
