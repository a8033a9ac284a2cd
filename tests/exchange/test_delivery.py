"""Delivery into the receiving tenant is idempotent and retried: what is sent to a suspended
receiver reaches it once it is active again, sending the same document twice is refused, and
however often (and however concurrently) delivery runs there is one incoming item. Unsigned
items are reminded once, after the receiving tenant's own deadline."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.audit import AuditEntry
from models.exchange import Dispatch, DispatchRecipient, IncomingItem, RecipientStatus
from models.outbox import OutboxEvent
from models.scope import TenantScope
from models.tenants import TenantStatus
from server.settings import Settings
from services import tenants
from services.exchange import delivery, reminders
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.documents.support import Office, dispatching_office
from tests.exchange.support import DISPATCH, INBOX, completed_dispatch, receiving_office


@dataclass
class Delivery:
    """A completed 发文 of A for B, below it, whose unsigned items are reminded after 4 hours;
    B is suspended when A sends."""

    a: Office
    b: Office
    to_b: dict[str, Any]
    recipient: uuid.UUID | None = None
    item: str = ""

    @property
    def inbox(self) -> TenantScope:
        return self.b.department.scope


@pytest.fixture(scope="class")
async def sent_to_b(database: Settings, gql: GraphQL) -> Delivery:
    a = await dispatching_office(gql, await new_department())
    b = await receiving_office(gql, new_department, parent=a.department.tenant)
    await b.ok(
        "admin",
        "updateTenant",
        {
            "id": gid("Tenant", b.department.tenant.id),
            "settings": {"exchange": {"remindAfterHours": 4}},
        },
        "tenant { settings } ",
    )
    doc_id, _ = await completed_dispatch(a, gql, "关于报送统计数据的通知")
    to_b = {"id": doc_id, "recipients": [{"tenantId": gid("Tenant", b.department.tenant.id)}]}
    return Delivery(a, b, to_b)


async def set_status(office: Office, status: TenantStatus) -> None:
    system = await tenants.system_actor()
    await tenants.set_tenant_status(system, tenant_id=office.department.tenant.id, status=status)


@pytest.mark.steps
class TestDeliveryIsRetriedIdempotentAndRemindedOnce:
    async def test_a_suspended_receiver_gets_nothing_yet_and_a_second_send_is_refused(
        self, sent_to_b: Delivery
    ) -> None:
        a, b = sent_to_b.a, sent_to_b.b
        await set_status(b, TenantStatus.SUSPENDED)
        sent = await a.ok("admin", "dispatchDocument", sent_to_b.to_b, DISPATCH)
        recipient = sent["dispatch"]["recipients"][0]
        sent_to_b.recipient = key_of(recipient["id"])
        assert recipient["status"] == "SENT"
        assert "suspended" in recipient["deliveryError"]
        assert await sent_to_b.inbox.query(IncomingItem).count() == 0
        twice = await a.mutate("admin", "dispatchDocument", sent_to_b.to_b, DISPATCH)
        assert twice["dispatch"] is None
        assert twice["errors"][0]["code"] == "DUPLICATE"
        assert twice["errors"][0]["field"] == ["input", "recipients", "0"]

    async def test_the_retry_delivers_once_the_receiver_is_active(
        self, sent_to_b: Delivery
    ) -> None:
        await set_status(sent_to_b.b, TenantStatus.ACTIVE)
        recipients = sent_to_b.a.department.scope.query(DispatchRecipient)
        row = await recipients.get(id=sent_to_b.recipient)
        assert row.next_attempt_at > datetime.now(UTC), "the retry waits"
        await delivery.deliver_due(datetime.now(UTC) + timedelta(minutes=5))
        row = await sent_to_b.a.department.scope.query(DispatchRecipient).get(
            id=sent_to_b.recipient
        )
        assert row.status == RecipientStatus.DELIVERED
        assert row.attempts >= 2
        assert row.last_error is None
        assert await sent_to_b.inbox.query(IncomingItem).count() == 1

    async def test_however_often_delivery_runs_there_is_one_item(self, sent_to_b: Delivery) -> None:
        recipient_id = sent_to_b.recipient
        assert recipient_id is not None
        assert await delivery.deliver(recipient_id) is False, "nothing left to deliver"
        await delivery.deliver_due(datetime.now(UTC) + timedelta(days=1))
        # As if the sender's status had been lost: four workers retry at once, one item remains.
        await (
            sent_to_b.a.department.scope.query(DispatchRecipient)
            .filter(id=recipient_id)
            .update(status=RecipientStatus.SENT)
        )
        retried = await asyncio.gather(*[delivery.deliver(recipient_id) for _ in range(4)])
        assert sorted(retried) == [False, False, False, True]
        assert await sent_to_b.inbox.query(IncomingItem).count() == 1
        items = (await sent_to_b.b.run("admin", INBOX)).data["incomingItems"]["edges"]
        assert len(items) == 1
        sent_to_b.item = items[0]["node"]["id"]

    async def test_an_unsigned_item_is_reminded_once_after_the_receivers_deadline(
        self, sent_to_b: Delivery
    ) -> None:
        b, inbox = sent_to_b.b, sent_to_b.inbox
        item = await inbox.query(IncomingItem).get()
        delivered = item.created_at
        await reminders.fire_due(delivered + timedelta(hours=3))
        assert await _reminded(b, item.id) == 0, "not before the tenant's deadline"
        assert await reminders.fire_due(delivered + timedelta(hours=5)) >= 1
        assert await reminders.fire_due(delivered + timedelta(hours=5)) == 0, "all fired"
        await reminders.fire_due(delivered + timedelta(days=30))
        assert await _reminded(b, item.id) == 1, "reminded once"
        assert await inbox.query(AuditEntry).filter(action="exchange.reminded").count() == 1
        seen = await b.run(
            "admin",
            "query($id: ID!) { node(id: $id) { ... on IncomingItem { remindedAt } } }",
            {"id": sent_to_b.item},
        )
        assert seen.data["node"]["remindedAt"] is not None

    async def test_the_item_is_then_signed(self, sent_to_b: Delivery) -> None:
        signed = await sent_to_b.b.ok(
            "admin", "signIncomingItem", {"id": sent_to_b.item}, "incomingItem { status } "
        )
        assert signed["incomingItem"]["status"] == "SIGNED"


async def _reminded(office: Office, item_id: Any) -> int:
    rows = await OutboxEvent.filter(
        tenant_id=office.department.tenant.id, topic="exchange.incoming"
    )
    return sum(
        1
        for row in rows
        if row.payload["incomingId"] == gid("IncomingItem", item_id)
        and row.payload["action"] == "reminded"
    )


async def test_a_delivery_that_fails_unexpectedly_is_postponed_and_the_loop_goes_on(
    database: Settings, gql: GraphQL
) -> None:
    a = await dispatching_office(gql, await new_department())
    b = await receiving_office(gql, new_department, parent=a.department.tenant)
    doc_id, _ = await completed_dispatch(a, gql, "关于损坏副本的通知")
    await set_status(b, TenantStatus.SUSPENDED)
    to_b = {"id": doc_id, "recipients": [{"tenantId": gid("Tenant", b.department.tenant.id)}]}
    sent = await a.ok("admin", "dispatchDocument", to_b, DISPATCH)
    recipient_id = key_of(sent["dispatch"]["recipients"][0]["id"])
    recipients = a.department.scope.query(DispatchRecipient)
    dispatches = a.department.scope.query(Dispatch)
    contents = (await dispatches.get(id=key_of(sent["dispatch"]["id"]))).contents
    # A copy that cannot be read (its sender gone from it) makes delivery raise.
    broken = {key: value for key, value in contents.items() if key != "sender"}
    await dispatches.filter(id=key_of(sent["dispatch"]["id"])).update(contents=broken)
    await set_status(b, TenantStatus.ACTIVE)
    before = await recipients.get(id=recipient_id)
    soon = datetime.now(UTC) + timedelta(minutes=5)

    await delivery.deliver_due(soon)

    after = await recipients.get(id=recipient_id)
    assert after.status == RecipientStatus.SENT
    assert after.attempts == before.attempts + 1
    assert after.last_error == "Delivery failed unexpectedly; it will be retried"
    assert after.next_attempt_at > before.next_attempt_at, "postponed again"
    assert await b.department.scope.query(IncomingItem).count() == 0, "nothing half-written"

    await dispatches.filter(id=key_of(sent["dispatch"]["id"])).update(contents=contents)
    await delivery.deliver_due(after.next_attempt_at + timedelta(seconds=1))
    delivered = await recipients.get(id=recipient_id)
    assert delivered.status == RecipientStatus.DELIVERED
    assert delivered.last_error is None
    assert await b.department.scope.query(IncomingItem).count() == 1

    item = await b.department.scope.query(IncomingItem).get()
    signed = await b.ok(
        "admin",
        "signIncomingItem",
        {"id": gid("IncomingItem", item.id)},
        "incomingItem { status } ",
    )
    assert signed["incomingItem"]["status"] == "SIGNED"
    await reminders.fire_due(item.created_at + timedelta(days=30))
    item = await b.department.scope.query(IncomingItem).get()
    assert item.reminded_at is None, "a signed item is not reminded"
    assert (
        await b.department.scope.query(AuditEntry).filter(action="exchange.reminded").count() == 0
    )
