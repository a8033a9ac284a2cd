"""Outbound delivery called as a service, against a real SMTP server process and a local HTTP
gateway: what a message carries, backoff and giving up, rows of a channel with no transport;
and `notify` / `mark_read` with what they store and announce."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.access import DataScope, Permission
from models.notifications import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationKind,
)
from models.usage import Meter, UsageDay
from server.settings import Settings
from services import directory
from services.notifications import delivery, holders, mark_read, notify
from services.notifications.delivery import Smtp, Transports, Webhook, email_message
from services.uow import transaction
from subscriptions.topics import global_id
from tests.notices.trail import actor_of, events, refusal
from tests.notifications.people import People, people
from tests.notifications.support import SECRET, gateway, smtp_server, transports
from tests.processes import free_port

LINK = "https://oa.example.gov.cn/#/node/RG9jdW1lbnQ6MQ=="


@pytest.fixture
async def team(database: Settings) -> People:
    return await people()


def test_what_a_message_carries() -> None:
    smtp = Smtp("127.0.0.1", 2525, sender="oa@example.gov.cn")
    row = NotificationDelivery(
        key="0190:email", address="a@example.gov.cn", subject="【催办】请办理", body="请办理"
    )
    message = email_message(smtp, row, LINK)
    assert (message["From"], message["To"], message["Subject"]) == (
        "oa@example.gov.cn",
        "a@example.gov.cn",
        "【催办】请办理",
    )
    assert message["X-Officecloud-Key"] == "0190:email"
    assert message["Message-ID"].startswith("<")
    assert message["Message-ID"].endswith(".0190.email@officecloud>")
    assert message.get_content() == f"请办理\n\n查看：{LINK}\n"
    assert email_message(smtp, row, "").get_content() == "请办理\n"
    outbound = Transports(sms=Webhook("http://x"), im=Webhook("http://y"), link_base="B/")
    assert outbound.configured == [Channel.SMS, Channel.IM]
    assert (outbound.url("L"), outbound.url(None), outbound.url("")) == ("B/L", "", "")
    assert Transports(email=smtp).configured == [Channel.EMAIL]
    expected = hmac.new(b"k", b"x", hashlib.sha256).hexdigest()
    assert delivery.signature("k", b"x") == f"sha256={expected}"


async def test_an_email_goes_to_a_real_smtp_server(team: People, tmp_path: Path) -> None:
    now = datetime.now(UTC) + timedelta(seconds=1)
    row = await team.delivery("reachable", Channel.EMAIL, now)
    other = await team.delivery("disabled", Channel.EMAIL, now)
    async with smtp_server(tmp_path) as smtp:
        assert await delivery.deliver_due(transports(smtp), now) >= 2, "other tests' rows too"
        (message,) = smtp.messages(to=team.users["reachable"].email)
        assert len(smtp.messages(to=team.users["disabled"].email)) == 1
    await other.refresh_from_db()
    assert other.status is DeliveryStatus.SENT
    metered = await team.department.scope.query(UsageDay).filter(meter=Meter.NOTIFICATIONS_SENT)
    assert [(m.key, m.value) for m in metered] == [("email", 2)], "each sent row counted once"
    assert message["Subject"] == "【催办】请办理"
    assert message["X-Officecloud-Key"] == row.key
    assert message.get_content() == f"请办理《关于采购的请示》\n\n查看：{LINK}\n"
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (
        DeliveryStatus.SENT,
        1,
        now,
        None,
    )


async def test_an_unreachable_server_is_retried_with_backoff(team: People) -> None:
    now = datetime.now(UTC) + timedelta(seconds=1)
    row = await team.delivery("reachable", Channel.EMAIL, now)
    port = free_port()
    closed = Transports(email=Smtp("127.0.0.1", port, timeout=2))
    await delivery.deliver_due(closed, now)
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert row.next_attempt_at == now + timedelta(seconds=30)
    assert (row.last_error or "").startswith(f"SMTP 127.0.0.1:{port}: ")
    later = now + timedelta(seconds=30)
    await delivery.deliver_due(closed, later)
    await row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, later + timedelta(seconds=60))
    row.attempts = 6
    await row.save()
    last = later + timedelta(seconds=60)
    await delivery.deliver_due(closed, last)
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 7)
    assert row.next_attempt_at == last + timedelta(seconds=30 * 64)
    await delivery.deliver_due(closed, row.next_attempt_at)
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 8)
    assert row.sent_at is None


async def test_a_gateway_gets_a_signed_request(team: People) -> None:
    now = datetime.now(UTC) + timedelta(seconds=1)
    row = await team.delivery("reachable", Channel.SMS, now)
    async with gateway() as sms:
        sms.status = 300
        await delivery.deliver_due(transports(sms=sms), now)
        await row.refresh_from_db()
        assert (row.status, row.last_error) == (
            DeliveryStatus.PENDING,
            f"{sms.url} answered 300",
        )
        sms.status = 299
        await delivery.deliver_due(transports(sms=sms), row.next_attempt_at)
    mine = [r for r in sms.received if r["key"] == row.key]
    assert len(mine) == 2
    assert mine[-1]["signed"]
    assert mine[-1]["body"] == {
        "key": row.key,
        "channel": "sms",
        "to": "13900000001",
        "subject": "【催办】请办理",
        "text": "请办理《关于采购的请示》",
        "link": LINK,
    }
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 2, None)
    assert SECRET


async def test_rows_without_a_transport_fail_after_a_day(team: People) -> None:
    now = datetime.now(UTC) + timedelta(seconds=1)
    stale = await team.delivery("reachable", Channel.IM, now)
    young = await team.delivery("reachable", Channel.IM, now)
    scope = team.department.scope
    day = delivery.UNDELIVERABLE_AFTER
    await (
        scope.query(NotificationDelivery)
        .filter(id=stale.id)
        .update(created_at=now - day - timedelta(seconds=1))
    )
    await scope.query(NotificationDelivery).filter(id=young.id).update(created_at=now - day)
    assert await delivery.deliver_due(Transports(), now) == 0
    await stale.refresh_from_db()
    await young.refresh_from_db()
    assert (stale.status, stale.last_error) == (
        DeliveryStatus.FAILED,
        "No transport is configured for the channel",
    )
    assert (young.status, young.last_error) == (DeliveryStatus.PENDING, None)


async def test_notify_tells_the_active_others_once(team: People) -> None:
    actor = team.department.actor
    many = [team.id("reachable"), team.id("reachable"), team.id("unreachable")]
    async with transaction(actor) as work:
        rows = await notify(
            work,
            team.department.tenant.id,
            [*many, team.id("disabled"), actor.user_id],
            NotificationKind.NOTICE_REMINDER,
            "读" * 1001,
            "RG9jdW1lbnQ6MQ==",
        )
    assert [r.user_id for r in rows] == [team.id("reachable"), team.id("unreachable")]
    assert {len(r.text) for r in rows} == {1000}
    scope = team.department.scope
    (sent,) = await scope.query(NotificationDelivery).filter(
        notification_id__in=[r.id for r in rows]
    )
    assert (sent.user_id, sent.channel, sent.address) == (
        team.id("reachable"),
        Channel.EMAIL,
        team.users["reachable"].email,
    )
    assert sent.key == f"{rows[0].id}:email"
    assert sent.subject == f"【通知公告催阅】{'读' * 292}"
    assert (sent.body, sent.link) == (rows[0].text, "RG9jdW1lbnQ6MQ==")
    assert sent.next_attempt_at == rows[0].created_at, "no quiet hours: at once"
    payloads = await events(team.department.tenant.id, "notification.created")
    assert payloads == [
        {
            "notificationId": global_id("Notification", r.id),
            "userId": global_id("User", r.user_id),
            "kind": "notice_reminder",
            "text": r.text,
            "link": "RG9jdW1lbnQ6MQ==",
            "createdAt": r.created_at.isoformat(),
        }
        for r in rows
    ]
    async with transaction(actor) as work:
        none = await notify(
            work, team.department.tenant.id, [team.id("disabled")], NotificationKind.MENTIONED, "x"
        )
    assert none == []
    assert await scope.query(Notification).filter(user_id=team.id("disabled")).count() == 0


async def test_marking_read(team: People) -> None:
    now = datetime.now(UTC)
    old = await team.notification("unreachable", "旧", now, read_at=now - timedelta(days=1))
    new = await team.notification("unreachable", "新", now)
    other = await team.notification("reachable", "别人的", now)
    reader = await actor_of(team.users["unreachable"])
    hidden = [("NOT_FOUND", "Notification not found", ("ids",))]
    assert await refusal(mark_read(reader, ids=[new.id, other.id])) == hidden
    assert await refusal(mark_read(reader, ids=["no id"])) == hidden
    marked = await mark_read(reader, ids=[str(old.id), new.id])
    times = {r.id: r.read_at for r in marked}
    await old.refresh_from_db()
    assert times[old.id] == old.read_at == now - timedelta(days=1), "read before stays so"
    await new.refresh_from_db()
    assert new.read_at is not None
    assert times[new.id] == new.read_at
    assert await mark_read(reader) == []
    assert [r.id for r in await mark_read(await actor_of(team.users["reachable"]))] == [other.id]


async def test_holders_of_a_permission(team: People) -> None:
    scope = team.department.scope
    admin = team.department.actor
    assert await holders(scope, Permission.PLATFORM_ADMIN) == [], "no role grants it"
    role = await directory.create_role(
        admin,
        code="clerks",
        name="收发员",
        permissions=[Permission.EXCHANGE_RECEIVE.value],
        data_scope=DataScope.SELF,
    )
    for who in ("disabled", "reachable"):
        await directory.assign_role(admin, user_id=team.id(who), role_id=role.id)
    found = await holders(scope, Permission.EXCHANGE_RECEIVE)
    assert found == sorted([admin.user_id, team.id("reachable")]), (
        "the active holders (the administrator's role grants it too), in order"
    )
