"""Delivery into the receiving tenant is idempotent and retried: what is sent to a suspended
receiver reaches it once it is active again, sending the same document twice is refused, and
however often (and however concurrently) delivery runs there is one incoming item. Unsigned
items are reminded once, after the receiving tenant's own deadline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from models.audit import AuditEntry
from models.exchange import DispatchRecipient, IncomingItem, RecipientStatus
from models.outbox import OutboxEvent
from models.tenants import TenantStatus
from services import tenants
from services.exchange import delivery, reminders
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import Office
from tests.exchange.support import DISPATCH, INBOX, completed_dispatch, receiving_office


async def test_delivery_is_retried_idempotent_and_reminded_once(
    dispatch_office: Office, gql: GraphQL, make_department: Any
) -> None:
    a = dispatch_office
    b = await receiving_office(gql, make_department, parent=a.department.tenant)
    inbox = b.department.scope
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
    system = await tenants.system_actor()
    await tenants.set_tenant_status(
        system, tenant_id=b.department.tenant.id, status=TenantStatus.SUSPENDED
    )
    to_b = {
        "id": doc_id,
        "recipients": [{"tenantId": gid("Tenant", b.department.tenant.id)}],
    }

    sent = await a.ok("admin", "dispatchDocument", to_b, DISPATCH)
    recipient = sent["dispatch"]["recipients"][0]
    assert recipient["status"] == "SENT"
    assert "suspended" in recipient["deliveryError"]
    assert await inbox.query(IncomingItem).count() == 0
    twice = await a.mutate("admin", "dispatchDocument", to_b, DISPATCH)
    assert twice["dispatch"] is None
    assert twice["errors"][0]["code"] == "DUPLICATE"
    assert twice["errors"][0]["field"] == ["input", "recipients", "0"]

    await tenants.set_tenant_status(
        system, tenant_id=b.department.tenant.id, status=TenantStatus.ACTIVE
    )
    recipient_id = key_of(recipient["id"])
    row = await a.department.scope.query(DispatchRecipient).get(id=recipient_id)
    assert row.next_attempt_at > datetime.now(UTC), "the retry waits"
    await delivery.deliver_due(datetime.now(UTC) + timedelta(minutes=5))
    row = await a.department.scope.query(DispatchRecipient).get(id=recipient_id)
    assert row.status == RecipientStatus.DELIVERED
    assert row.attempts >= 2
    assert row.last_error is None
    assert await inbox.query(IncomingItem).count() == 1

    assert await delivery.deliver(recipient_id) is False, "nothing left to deliver"
    await delivery.deliver_due(datetime.now(UTC) + timedelta(days=1))
    # As if the sender's status had been lost: four workers retry at once, one item remains.
    await (
        a.department.scope.query(DispatchRecipient)
        .filter(id=recipient_id)
        .update(status=RecipientStatus.SENT)
    )
    retried = await asyncio.gather(*[delivery.deliver(recipient_id) for _ in range(4)])
    assert sorted(retried) == [False, False, False, True]
    assert await inbox.query(IncomingItem).count() == 1
    items = (await b.run("admin", INBOX)).data["incomingItems"]["edges"]
    assert len(items) == 1

    item = await inbox.query(IncomingItem).get()
    delivered = item.created_at
    await reminders.fire_due(delivered + timedelta(hours=3))
    assert await _reminded(b, item.id) == 0, "not before the tenant's deadline"
    await reminders.fire_due(delivered + timedelta(hours=5))
    await reminders.fire_due(delivered + timedelta(days=30))
    assert await _reminded(b, item.id) == 1, "reminded once"
    assert await inbox.query(AuditEntry).filter(action="exchange.reminded").count() == 1
    seen = await b.run(
        "admin",
        "query($id: ID!) { node(id: $id) { ... on IncomingItem { remindedAt } } }",
        {"id": items[0]["node"]["id"]},
    )
    assert seen.data["node"]["remindedAt"] is not None

    signed = await b.ok(
        "admin",
        "signIncomingItem",
        {"id": items[0]["node"]["id"]},
        "incomingItem { status } ",
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
