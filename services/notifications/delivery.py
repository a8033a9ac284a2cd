"""Outbound delivery: each queued message (`NotificationDelivery`) goes to its transport from
the delivery loop every process runs (`server/app.py`).

A row is claimed with FOR UPDATE SKIP LOCKED, sent, and marked sent in the same transaction, so
several processes never send one row at once. Delivery is at least once to the transport (a
send whose commit is lost is sent again) and carries the row's unique key as the message's
idempotency key (`Message-ID` for e-mail, `Idempotency-Key` for webhooks) so the far side can
drop a repeat. A failed send is retried with backoff up to `MAX_ATTEMPTS`, then the row is
FAILED with its last error, for operators to see. Rows are independent: a failing SMS gateway
only postpones its own rows. Rows of a channel no transport is configured for wait; after
`UNDELIVERABLE_AFTER` they are FAILED too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import aiohttp
import aiosmtplib
import orjson
from tortoise.transactions import in_transaction

from models.notifications import Channel, DeliveryStatus, NotificationDelivery
from models.scope import across_tenants

log = logging.getLogger("officecloud.notifications")

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
UNDELIVERABLE_AFTER = timedelta(hours=24)
SIGNATURE_HEADER = "X-Officecloud-Signature"


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int = 25
    sender: str = "officecloud@localhost"
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None
    """None: STARTTLS when the server offers it."""
    timeout: float = 10.0


@dataclass(frozen=True)
class Webhook:
    """An HTTP gateway (SMS, IM): a JSON POST signed with HMAC-SHA256 of the body."""

    url: str
    secret: str = ""
    timeout: float = 10.0


@dataclass(frozen=True)
class Transports:
    email: Smtp | None = None
    sms: Webhook | None = None
    im: Webhook | None = None
    link_base: str = ""
    """Prefixed to a notification's global id to make the link in a message."""
    _session: list[aiohttp.ClientSession] = field(default_factory=list, compare=False)

    @property
    def configured(self) -> list[Channel]:
        return [c for c in Channel if getattr(self, c.value) is not None]

    def url(self, link: str | None) -> str:
        return f"{self.link_base}{link}" if link else ""


class DeliveryFailed(Exception):
    """The transport refused or could not be reached; the row is retried."""


async def deliver_due(transports: Transports, now: datetime | None = None, limit: int = 100) -> int:
    """The delivery loop's step: send up to `limit` due messages, each in its own
    transaction; returns how many were sent."""
    now = now or datetime.now(UTC)
    await _give_up_unroutable(transports, now)
    channels = transports.configured
    if not channels:
        return 0
    tried: list[uuid.UUID] = []
    sent = 0
    try:
        for _ in range(limit):
            async with in_transaction():
                due = across_tenants(NotificationDelivery).filter(
                    status=DeliveryStatus.PENDING, channel__in=channels, next_attempt_at__lte=now
                )
                if tried:
                    due = due.exclude(id__in=tried)
                row = (
                    await due.order_by("next_attempt_at")
                    .select_for_update(skip_locked=True)
                    .first()
                )
                if row is None:
                    break
                tried.append(row.id)
                sent += await _attempt(transports, row, now)
    finally:
        for session in transports._session:
            await session.close()
        transports._session.clear()
    return sent


async def _attempt(transports: Transports, row: NotificationDelivery, now: datetime) -> int:
    row.attempts += 1
    try:
        await send(transports, row)
    except DeliveryFailed as exc:
        row.last_error = str(exc)[:1000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = DeliveryStatus.FAILED
            log.error("notification delivery %s failed for good: %s", row.key, exc)
        else:
            row.next_attempt_at = now + min(FIRST_RETRY * 2 ** (row.attempts - 1), LAST_RETRY)
            log.warning("notification delivery %s failed, retrying: %s", row.key, exc)
        await row.save()
        return 0
    row.status, row.sent_at, row.last_error = DeliveryStatus.SENT, now, None
    await row.save()
    return 1


async def send(transports: Transports, row: NotificationDelivery) -> None:
    if row.channel is Channel.EMAIL:
        assert transports.email is not None
        await _email(transports.email, row, transports.url(row.link))
    else:
        hook = transports.sms if row.channel is Channel.SMS else transports.im
        assert hook is not None
        if not transports._session:
            transports._session.append(aiohttp.ClientSession())
        await _webhook(transports._session[0], hook, row, transports.url(row.link))


def email_message(smtp: Smtp, row: NotificationDelivery, url: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = row.address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(idstring=row.key.replace(":", "."), domain="officecloud")
    message["X-Officecloud-Key"] = row.key
    message.set_content(f"{row.body}\n\n查看：{url}\n" if url else f"{row.body}\n")
    return message


async def _email(smtp: Smtp, row: NotificationDelivery, url: str) -> None:
    try:
        await aiosmtplib.send(
            email_message(smtp, row, url),
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password,
            use_tls=smtp.use_tls,
            start_tls=smtp.start_tls,
            timeout=smtp.timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP {smtp.host}:{smtp.port}: {exc}") from exc


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _webhook(
    session: aiohttp.ClientSession, hook: Webhook, row: NotificationDelivery, url: str
) -> None:
    body = orjson.dumps(
        {
            "key": row.key,
            "channel": row.channel.value,
            "to": row.address,
            "subject": row.subject,
            "text": row.body,
            "link": url,
        }
    )
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": row.key,
        SIGNATURE_HEADER: signature(hook.secret, body),
    }
    try:
        async with session.post(
            hook.url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=hook.timeout)
        ) as response:
            if response.status >= 300:
                raise DeliveryFailed(f"{hook.url} answered {response.status}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryFailed(f"{hook.url}: {exc!r}") from exc


async def _give_up_unroutable(transports: Transports, now: datetime) -> None:
    """Rows of a channel without a transport fail once they are a day old."""
    idle = [c for c in Channel if c not in transports.configured]
    if idle:
        await (
            across_tenants(NotificationDelivery)
            .filter(
                status=DeliveryStatus.PENDING,
                channel__in=idle,
                created_at__lt=now - UNDELIVERABLE_AFTER,
            )
            .update(
                status=DeliveryStatus.FAILED,
                last_error="No transport is configured for the channel",
            )
        )
