"""站内消息 and their outbound channels, through GraphQL, a real SMTP server process and a local
HTTP gateway: urges reach the urged with their comment, preferences and quiet hours hold, a
retried relay duplicates nothing, a failing gateway blocks nobody else."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from models.notifications import DeliveryStatus, Notification, NotificationDelivery
from models.usage import Meter, UsageDay
from services.notifications import delivery, digest
from tests.conftest import GraphQL
from tests.documents.support import Office
from tests.flows.support import start_document
from tests.notifications.flow import notice_office, notifications
from tests.notifications.support import gateway, smtp_server, transports
from tests.processes import budget

AUTH_STATEMENTS = 7
"""What every request of a signed-in user costs before any field: tenant, user, revocation,
grants, org paths, access rules, the access log."""
PREFS = "preferences { channels { channel kinds } quietStart quietEnd timeZone digestAfterHours } "


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await notice_office(gql, make_department)


async def urged(office: Office, comment: str = "请今天办结") -> str:
    document = await start_document(office, office.type_id, 100)
    await office.ok(
        "writer", "urgeDocument", {"id": document["id"], "comment": comment}, "document { id } "
    )
    doc_id: str = document["id"]
    return doc_id


async def rows_of(office: Office, who: str) -> list[NotificationDelivery]:
    found: list[NotificationDelivery] = (
        await office.department.scope.query(NotificationDelivery)
        .filter(user_id=office.users[who].id)
        .order_by("created_at")
    )
    return found


@pytest.mark.slow  # starts an SMTP server process
async def test_an_urge_reaches_the_urged_in_app_and_by_email(
    office: Office, tmp_path: Path
) -> None:
    doc_id = await urged(office)
    mine = await notifications(office, "director")
    kinds = [e["node"]["kind"] for e in mine["myNotifications"]["edges"]]
    assert kinds == ["TASK_URGED", "TASK_ASSIGNED"], "newest first"
    urge = mine["myNotifications"]["edges"][0]["node"]
    assert urge["text"] == "催办：请尽快办理《关于采购的请示》「核稿」。留言：请今天办结"
    assert urge["link"] == doc_id
    assert urge["readAt"] is None
    assert mine["unreadNotificationCount"] == 2
    writer = await notifications(office, "writer")
    assert writer["myNotifications"]["edges"] == [], "nobody is told of her own doing"

    address = office.users["director"].email
    async with smtp_server(tmp_path) as smtp:
        outbound = transports(smtp)
        await asyncio.gather(delivery.deliver_due(outbound), delivery.deliver_due(outbound))
        await delivery.deliver_due(outbound)
        received = smtp.messages(to=address)
    assert len(received) == 2, "one message per notification, however often the loop runs"
    message = next(m for m in received if "催办" in m["Subject"])
    assert (
        message["Subject"] == "【催办】催办：请尽快办理《关于采购的请示》「核稿」。留言：请今天办结"
    )
    assert message["From"] == "oa@example.gov.cn"
    body = message.get_content()
    assert "留言：请今天办结" in body
    assert f"查看：https://oa.example.gov.cn/#/node/{doc_id}" in body
    rows = await rows_of(office, "director")
    assert {r.status for r in rows} == {DeliveryStatus.SENT}
    assert all(r.attempts == 1 for r in rows), "each row was sent once"
    sent = await office.department.scope.query(NotificationDelivery).filter(
        status=DeliveryStatus.SENT
    )
    metered = await office.department.scope.query(UsageDay).filter(meter=Meter.NOTIFICATIONS_SENT)
    assert [(m.key, m.value) for m in metered] == [("email", len(sent))], "once per message"


@pytest.mark.slow  # starts an SMTP server process
async def test_preferences_and_quiet_hours_hold_back_external_channels(
    office: Office, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo("Asia/Shanghai"))
    start, end = local - timedelta(hours=1), local + timedelta(hours=2)
    saved = await office.ok(
        "director",
        "setNotificationPreferences",
        {
            "channels": [
                {"channel": "EMAIL", "kinds": ["TASK_URGED"]},
                {"channel": "SMS", "kinds": ["TASK_URGED"]},
            ],
            "quietStart": f"{start:%H}:00",
            "quietEnd": f"{end:%H}:00",
        },
        PREFS,
    )
    assert saved["preferences"]["timeZone"] == "Asia/Shanghai"
    bad = await office.mutate(
        "director",
        "setNotificationPreferences",
        {"quietStart": "25:00", "timeZone": "Mars/Base"},
        PREFS,
    )
    assert sorted((e["field"][-1], e["message"]) for e in bad["errors"]) == [
        ("quietStart", "Give quietStart as HH:MM"),
        ("timeZone", "Unknown time zone 'Mars/Base'"),
    ]
    await urged(office)
    in_app = await notifications(office, "director")
    assert in_app["unreadNotificationCount"] == 2, "in-app is immediate and takes every kind"
    rows = await rows_of(office, "director")
    assert sorted(r.channel.value for r in rows) == ["email", "sms"], "only the urge goes out"
    assert all(r.next_attempt_at > now for r in rows), "held until the quiet hours end"

    async with smtp_server(tmp_path) as smtp, gateway() as sms:
        outbound = transports(smtp, sms)
        await delivery.deliver_due(outbound, now)
        assert smtp.messages(to=office.users["director"].email) == []
        assert sms.received == []
        await delivery.deliver_due(outbound, now + timedelta(hours=3))
        assert len(smtp.messages(to=office.users["director"].email)) == 1
    assert [r["body"]["to"] for r in sms.received] == [office.users["director"].phone]
    assert sms.received[0]["signed"]
    assert sms.received[0]["key"].endswith(":sms")


@pytest.mark.slow  # starts an SMTP server process
async def test_a_failing_gateway_is_retried_and_blocks_no_email(
    office: Office, tmp_path: Path
) -> None:
    await office.ok(
        "director",
        "setNotificationPreferences",
        {
            "channels": [
                {"channel": "EMAIL", "kinds": ["TASK_URGED"]},
                {"channel": "SMS", "kinds": ["TASK_URGED"]},
            ]
        },
        PREFS,
    )
    await urged(office)
    now = datetime.now(UTC) + timedelta(seconds=1)
    async with smtp_server(tmp_path) as smtp, gateway() as sms:
        outbound = transports(smtp, sms)
        sms.status = 503
        await delivery.deliver_due(outbound, now)
        assert len(smtp.messages(to=office.users["director"].email)) == 1, "e-mail went out"
        (row,) = [r for r in await rows_of(office, "director") if r.channel.value == "sms"]
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
        assert "503" in (row.last_error or "")
        assert row.next_attempt_at > now
        await delivery.deliver_due(outbound, now)
        assert len(sms.received) == 1, "backing off: not tried again at once"
        sms.status = 200
        await delivery.deliver_due(outbound, now + timedelta(minutes=1))
        await delivery.deliver_due(outbound, now + timedelta(hours=2))
    assert len(sms.received) == 2
    assert sms.received[0]["key"] == sms.received[1]["key"]
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)

    sent = await office.run(
        "admin", "{ notificationDeliveries(status: SENT) { edges { node { channel address } } } }"
    )
    channels = sorted(e["node"]["channel"] for e in sent.data["notificationDeliveries"]["edges"])
    assert channels == ["EMAIL", "SMS"]
    hidden = await office.run("writer", "{ notificationDeliveries { edges { node { id } } } }")
    assert hidden.data["notificationDeliveries"]["edges"] == [], "operators only"


async def test_a_gateway_that_keeps_failing_is_given_up_visibly(office: Office) -> None:
    await office.ok(
        "director",
        "setNotificationPreferences",
        {"channels": [{"channel": "SMS", "kinds": ["TASK_URGED"]}]},
        PREFS,
    )
    await urged(office)
    (row,) = await rows_of(office, "director")
    row.attempts = delivery.MAX_ATTEMPTS - 1
    await row.save()
    async with gateway() as sms:
        sms.status = 500
        await delivery.deliver_due(transports(sms=sms), datetime.now(UTC) + timedelta(seconds=1))
    failed = await office.run(
        "admin",
        "{ notificationDeliveries(status: FAILED) { edges { node { attempts lastError } } } }",
    )
    (edge,) = failed.data["notificationDeliveries"]["edges"]
    assert edge["node"]["attempts"] == delivery.MAX_ATTEMPTS
    assert "500" in edge["node"]["lastError"]


async def test_marking_read_only_ones_own(office: Office) -> None:
    await urged(office)
    theirs = await notifications(office, "director")
    ids = [e["node"]["id"] for e in theirs["myNotifications"]["edges"]]
    foreign = await office.mutate(
        "writer", "markNotificationsRead", {"ids": ids[:1]}, "notifications { id readAt } "
    )
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    assert (await notifications(office, "director"))["unreadNotificationCount"] == 2
    one = await office.ok(
        "director", "markNotificationsRead", {"ids": ids[:1]}, "notifications { id readAt } "
    )
    assert one["notifications"][0]["readAt"] is not None
    left = await notifications(office, "director", unread=True)
    assert [e["node"]["id"] for e in left["myNotifications"]["edges"]] == ids[1:]
    await office.ok("director", "markNotificationsRead", {}, "notifications { id } ")
    assert (await notifications(office, "director"))["unreadNotificationCount"] == 0


@pytest.mark.slow  # starts an SMTP server process
async def test_the_digest_is_one_email_a_day(office: Office, tmp_path: Path) -> None:
    await office.ok(
        "director",
        "setNotificationPreferences",
        {"channels": [], "digestAfterHours": 1},
        PREFS,
    )
    await urged(office)
    now = datetime.now(UTC)
    assert await digest.compose_due(now) >= 0
    assert [r for r in await rows_of(office, "director")] == [], "nothing is old enough yet"
    shanghai = ZoneInfo("Asia/Shanghai")
    tomorrow = now.astimezone(shanghai).date() + timedelta(days=1)
    later = datetime.combine(tomorrow, clock(12), shanghai)  # old enough, far from midnight
    await asyncio.gather(digest.compose_due(later), digest.compose_due(later))
    await digest.compose_due(later + timedelta(minutes=5))
    (row,) = await rows_of(office, "director")
    assert row.key.startswith("digest:")
    assert row.subject == "【每日摘要】您有 2 条未读消息"
    async with smtp_server(tmp_path) as smtp:
        await delivery.deliver_due(transports(smtp), later)
        (message,) = smtp.messages(to=office.users["director"].email)
    assert "催办：请尽快办理《关于采购的请示》「核稿」" in message.get_content()


async def test_a_flood_keeps_the_inbox_constant(office: Office, count_queries: Any) -> None:
    """10,000 notifications for one person: the page and the count are the same few
    statements as for a person with three."""
    scope = office.department.scope
    flooded, quiet = office.users["director"], office.users["leader"]
    rows = [
        Notification(user_id=flooded.id, kind="task_assigned", text=f"第{i}条", link=None)
        for i in range(10_000)
    ] + [Notification(user_id=quiet.id, kind="task_assigned", text="一条") for _ in range(3)]
    await scope.bulk_create(Notification, rows, batch_size=2000)
    query = (
        "{ myNotifications(first: 20) { totalCount edges { node { id kind text readAt } } } "
        "unreadNotificationCount }"
    )
    counts = {}
    for who in ("director", "leader"):
        await office.run(who, "{ unreadNotificationCount }")
        with count_queries() as counted:
            started = time.perf_counter()
            result = await office.run(who, query)
            elapsed = time.perf_counter() - started
        counts[who] = counted()
        print(f"flood: {who} {counted()} statements, {elapsed * 1000:.1f} ms")
        assert elapsed < budget(2.0)
        assert len(result.data["myNotifications"]["edges"]) == (20 if who == "director" else 3)
    assert result.data["unreadNotificationCount"] == 3
    assert counts["director"] == counts["leader"], counts
    assert counts["director"] == AUTH_STATEMENTS + 3, "the page, the unread count, totalCount"
