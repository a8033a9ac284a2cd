"""Live events in one server process: replay-then-live, resume with `after`, filters, ordering
under concurrent writers, slow listeners, the subscription cap, token expiry and revocation."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from tortoise.transactions import in_transaction

from models.directory import OrgUnit
from models.outbox import OutboxEvent
from server.app import BUS, SETTINGS
from services import directory
from services.uow import transaction
from subscriptions import relay, sessions
from subscriptions.events import Event
from subscriptions.hub import Hub
from subscriptions.outbox import reader
from subscriptions.stream import replay_then_live
from subscriptions.topics import Topic
from tests.conftest import Department, GraphQL, gid, ws_url
from tests.events.support import position
from tests.processes import budget
from tests.ws_client import Socket, ids

DOCUMENT_FEED = (
    "subscription($after: ID) { tenantDocumentFeed(after: $after) { id topic payload } }"
)
MY_TASKS = "subscription($after: ID) { myTasksChanged(after: $after) { id topic payload } }"


async def rename_root(gql: GraphQL, department: Department, name: str) -> None:
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    done = await gql.mutate(
        "updateOrgUnit",
        {"id": gid("OrgUnit", root.id), "name": name},
        "orgUnit { name }",
        token=gql.token(department.admin, department.tenant),
    )
    assert done["errors"] == []


async def emit(department: Department, topic: str, payload: dict[str, Any]) -> None:
    """An event as a service emits it (through the same unit of work)."""
    async with transaction(department.actor) as work:
        work.emit(department.tenant.id, Topic(topic), payload)


async def stored(department: Department) -> list[int]:
    return list(
        await OutboxEvent.filter(tenant_id=department.tenant.id)
        .order_by("id")
        .values_list("id", flat=True)
    )


async def test_a_mutation_reaches_the_tenant_admin_live(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        op = await socket.subscribe(variables=await position(department))
        await rename_root(gql, department, "总部")
        (event,) = await socket.events(op, 1)
    assert event["topic"] == "directory.org_unit.updated"
    assert event["tenantId"] == gid("Tenant", department.tenant.id)
    assert event["payload"]["type"] == "OrgUnit"
    assert int(event["id"]) == (await stored(department))[-1]
    assert datetime.fromisoformat(event["occurredAt"]) > datetime.now(UTC) - timedelta(minutes=1)


async def test_after_replays_what_was_missed_then_goes_live_in_order(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    for i in range(5):
        await rename_root(gql, department, f"名称 {i}")
    history = await stored(department)
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        op = await socket.subscribe(variables={"after": str(history[1])})
        replayed = await socket.events(op, len(history) - 2)
        await rename_root(gql, department, "最后")
        received = await socket.events(op, len(history) - 1)
        fresh = await socket.subscribe()
        await asyncio.sleep(0.5)
        await rename_root(gql, department, "又一次")
        assert ids(await socket.events(fresh, 1)) == (await stored(department))[-1:]
    assert ids(replayed) == history[2:]
    assert ids(received) == (await stored(department))[2:-1]


async def test_topic_prefixes_and_the_document_and_task_feeds(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    me = gid("User", department.admin.id)
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        after = await position(department)
        tenant_only = await socket.subscribe(variables={**after, "topics": ["tenant."]})
        documents = await socket.subscribe(DOCUMENT_FEED, after)
        tasks = await socket.subscribe(MY_TASKS, after)
        await rename_root(gql, department, "不在 tenant. 前缀下")
        await emit(department, "document.status_changed", {"documentId": "d1", "to": "signed"})
        await emit(department, "task.changed", {"taskId": "t1", "userIds": [gid("User", "u")]})
        await emit(department, "task.changed", {"taskId": "t2", "userIds": [me]})
        await emit(department, "tenant.updated", {"tenantId": str(department.tenant.id)})
        (tenant_event,) = await socket.events(tenant_only, 1)
        (document_event,) = await socket.events(documents, 1)
        (task_event,) = await socket.events(tasks, 1)
        await asyncio.sleep(0.2)
        assert [len(socket.received[o]) for o in (tenant_only, documents, tasks)] == [1, 1, 1]
    assert tenant_event["topic"] == "tenant.updated"
    assert document_event["payload"] == {"documentId": "d1", "to": "signed"}
    assert task_event["payload"]["taskId"] == "t2"


async def test_who_may_subscribe_and_bad_arguments(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    member = await directory.create_user(
        department.actor, username="clerk", display_name="科员", org_unit_ids=[root.id]
    )
    async with Socket.connect(http, ws_url(server), gql.token(member, department.tenant)) as socket:
        refused = await socket.error(await socket.subscribe())
        also_refused = await socket.error(await socket.subscribe(DOCUMENT_FEED))
        allowed = await socket.subscribe(MY_TASKS, await position(department))
        await emit(department, "task.changed", {"taskId": "t", "userIds": [gid("User", member.id)]})
        (mine,) = await socket.events(allowed, 1)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    assert not socket.failed_midway
    assert also_refused[0]["extensions"]["code"] == "FORBIDDEN"
    assert mine["payload"]["taskId"] == "t"

    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        bad_after = await socket.error(await socket.subscribe(variables={"after": "x1"}))
        bad_topics = await socket.error(await socket.subscribe(variables={"topics": [""]}))
    assert bad_after[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad_topics[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_concurrent_writers_still_arrive_in_commit_order_exactly_once(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        op = await socket.subscribe(variables=await position(department))
        await asyncio.gather(
            *(emit(department, "tenant.updated", {"n": n}) for n in range(40)),
            *(rename_root(gql, department, f"并发 {n}") for n in range(10)),
        )
        received = await socket.events(op, 50)
        await asyncio.sleep(0.3)
        assert len(socket.received[op]) == 50
    assert ids(received) == (await stored(department))[-50:]


async def test_a_slow_listener_catches_up_from_the_outbox_without_holding_up_others(
    database: Any, make_department
) -> None:
    department = await make_department()
    hub = Hub(queue_size=3)
    slow = replay_then_live(department.tenant.id, after=None, hub=hub)
    fast = replay_then_live(department.tenant.id, after=None, hub=hub)
    fast_events: list[Event] = []

    async def consume() -> None:
        async for event in fast:
            fast_events.append(event)

    first_slow = asyncio.create_task(anext(slow))
    consumer = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    for n in range(12):
        async with transaction(department.actor) as work:
            work.emit(department.tenant.id, Topic.TENANT_UPDATED, {"n": n})
        for event in work.published:
            hub.deliver(event)
        await asyncio.sleep(0)
    await asyncio.sleep(0.1)
    expected = (await stored(department))[-12:]
    assert [e.id for e in fast_events] == expected, "the fast one was not held up"
    assert (await first_slow).id == expected[0]
    rest = [await asyncio.wait_for(anext(slow), 2) for _ in range(11)]
    assert [e.id for e in rest] == expected[1:], "the slow one read what it missed"
    consumer.cancel()
    await slow.aclose()
    await asyncio.gather(consumer, return_exceptions=True)
    assert hub.listeners == 0


async def test_the_hub_puts_reordered_duplicated_and_relayed_events_in_order(
    database: Any, make_department
) -> None:
    department = await make_department()
    hub = Hub()
    events = replay_then_live(department.tenant.id, after=None, hub=hub)
    first = asyncio.create_task(anext(events))
    await asyncio.sleep(0.1)
    published: list[Event] = []
    for n in range(6):
        async with transaction(department.actor) as work:
            work.emit(department.tenant.id, Topic.TENANT_UPDATED, {"n": n})
        published += work.published
    bare = [Event(e.id, e.tenant_id, e.topic, e.payload, e.created_at) for e in published]
    for event in [published[0], published[2], published[2], bare[1], bare[5], published[3]]:
        hub.deliver(event)
    head = await asyncio.wait_for(first, 2)  # one anext at a time (Python 3.13 enforces it)
    rest = [await asyncio.wait_for(anext(events), 2) for _ in range(5)]
    assert [e.id for e in [head, *rest]] == [e.id for e in published]
    await asyncio.sleep(0.1)
    hub.deliver(published[4])
    hub.deliver(bare[5])
    late = asyncio.create_task(anext(events))
    await asyncio.sleep(0.2)
    assert not late.done(), "repeats are dropped"
    late.cancel()
    await asyncio.gather(late, return_exceptions=True)
    await events.aclose()


async def test_concurrent_relays_publish_each_event_once(database: Any, make_department) -> None:
    department = await make_department()
    future = datetime.now(UTC) + timedelta(minutes=30)
    rows = [
        await OutboxEvent.create(tenant_id=department.tenant.id, topic="t.x", payload={"n": n})
        for n in range(40)
    ]
    # Out of reach of the server's own relay, which claims only events older than its grace.
    await OutboxEvent.filter(id__in=[r.id for r in rows]).update(created_at=future)
    sent: list[int] = []

    class Recorder:
        async def publish(self, events: list[Event]) -> None:
            await asyncio.sleep(0.01)
            sent.extend(e.id for e in events if e.topic == "t.x")

    async def relay_loop() -> None:
        while await relay.publish_pending(Recorder(), batch=5, grace=timedelta(hours=-1)):  # type: ignore[arg-type]
            pass

    await asyncio.gather(*(relay_loop() for _ in range(4)))
    assert sorted(sent) == [r.id for r in rows], "every event published, none twice"
    assert await OutboxEvent.filter(id__in=[r.id for r in rows], published_at=None).count() == 0
    await OutboxEvent.filter(id__in=[r.id for r in rows]).delete()


async def test_pruning_removes_old_published_events_only(database: Any, make_department) -> None:
    department = await make_department()
    old = datetime.now(UTC) - timedelta(hours=2)
    async with in_transaction():  # uncommitted: no relay sees these rows
        gone = await OutboxEvent.create(
            tenant_id=department.tenant.id, topic="t", payload={}, published_at=old
        )
        kept = await OutboxEvent.create(tenant_id=department.tenant.id, topic="t", payload={})
        recent = await OutboxEvent.create(
            tenant_id=department.tenant.id, topic="t", payload={}, published_at=old
        )
        await OutboxEvent.filter(id__in=[gone.id, kept.id]).update(created_at=old)
        assert await relay.prune(retention=timedelta(hours=1)) >= 1
        left = await OutboxEvent.filter(id__in=[gone.id, kept.id, recent.id]).values_list(
            "id", flat=True
        )
    assert sorted(left) == [kept.id, recent.id]


async def test_pruning_skips_rows_another_process_holds(database: Any, make_department) -> None:
    department = await make_department()
    old = datetime.now(UTC) - timedelta(hours=2)
    rows = [
        await OutboxEvent.create(
            tenant_id=department.tenant.id, topic="t", payload={}, published_at=old
        )
        for _ in range(2)
    ]
    await OutboxEvent.filter(id__in=[r.id for r in rows]).update(created_at=old)
    held, release = asyncio.Event(), asyncio.Event()

    async def hold_first() -> None:
        async with in_transaction():
            await OutboxEvent.filter(id=rows[0].id).select_for_update()
            held.set()
            await release.wait()

    holder = asyncio.create_task(hold_first())
    await held.wait()
    try:
        await asyncio.wait_for(relay.prune(retention=timedelta(hours=1)), 5)
        left = await OutboxEvent.filter(id__in=[r.id for r in rows]).values_list("id", flat=True)
        assert list(left) == [rows[0].id], "the held row is skipped, not waited for"
    finally:
        release.set()
        await holder
    await relay.prune(retention=timedelta(hours=1))
    assert rows[0].id not in await stored(department)


async def test_resuming_after_pruned_events_is_refused(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    await rename_root(gql, department, "旧")
    first = (await stored(department))[0]
    await OutboxEvent.filter(published_at=None).update(published_at=datetime.now(UTC))
    await relay.prune(retention=timedelta(0))
    await rename_root(gql, department, "新")
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        failed = await socket.error(await socket.subscribe(variables={"after": str(first - 1)}))
        latest = (await stored(department))[-1]
        fine = await socket.subscribe(variables={"after": str(latest - 1)})
        assert len(await socket.events(fine, 1)) == 1
    assert failed[0]["extensions"]["code"] == "EVENTS_PRUNED"
    assert not socket.failed_midway, "refused up front, as an error message"


async def test_resuming_beyond_the_tenants_newest_event_is_refused(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department, other = await make_department(), await make_department()
    await rename_root(gql, department, "本单位")
    await rename_root(gql, other, "别的单位")
    newest = (await stored(department))[-1]
    elsewhere = (await stored(other))[-1]
    assert elsewhere > newest
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        ahead = await socket.error(await socket.subscribe(variables={"after": str(newest + 10**9)}))
        foreign = await socket.error(await socket.subscribe(variables={"after": str(elsewhere)}))
        # A good `after` never fails, even while the tenant's events keep committing.
        for n in range(5):
            writing = asyncio.create_task(rename_root(gql, department, f"并发 {n}"))
            resumed = await socket.subscribe(variables=await position(department))
            await writing
            await rename_root(gql, department, f"之后 {n}")
            assert len(await socket.events(resumed, 1)) >= 1
            assert resumed not in socket.errors
    for refused in (ahead, foreign):
        assert refused[0]["extensions"]["code"] == "UNKNOWN_EVENT"
    assert not socket.failed_midway, "refused up front, as an error message"


async def test_keepalive_pings_and_no_subscriptions_over_plain_http(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        await socket.ws.send_str('{"type": "ping"}')
        await asyncio.wait_for(socket.pong.wait(), 5)
    refused = await gql("subscription { tenantEvents { id } }", token=token)
    assert refused.status == 400
    assert refused.errors[0]["message"] == "subscriptions are not allowed when using POST"


async def test_the_subscription_cap_per_connection(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    cap = server.app[SETTINGS].max_subscriptions_per_connection
    hub = server.app[BUS].hub
    listening = hub.listeners
    token = gql.token(department.admin, department.tenant)
    async with Socket.connect(http, ws_url(server), token) as socket:
        after = await position(department)
        ops = [await socket.subscribe(variables=after) for _ in range(cap)]
        over = await socket.error(await socket.subscribe())
        assert "limit" in over[0]["message"]
        await socket.complete(ops[0])
        await asyncio.sleep(0.1)
        again = await socket.subscribe(variables=after)
        await rename_root(gql, department, "上限")
        assert len(await socket.events(again, 1)) == 1
        assert len(await socket.events(ops[-1], 1)) == 1
        assert hub.listeners == listening + cap
    for _ in range(50):
        if hub.listeners == listening:
            break
        await asyncio.sleep(0.05)
    assert hub.listeners == listening, "closing the socket ends its subscriptions"
    assert sessions.count(department.tenant.id, department.admin.id) == 0


async def test_the_socket_closes_when_the_token_expires(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    token = gql.issuer.issue(
        subject=str(department.admin.id), tenant=department.tenant.code, ttl_seconds=2
    )
    started = time.monotonic()
    async with Socket.connect(http, ws_url(server), token) as socket:
        await socket.subscribe()
        code = await socket.wait_closed(seconds=budget(10))
    assert code == sessions.CLOSE_EXPIRED
    assert 1.0 < time.monotonic() - started < budget(5)
    assert sessions.count(department.tenant.id, department.admin.id) == 0


async def test_revoking_a_user_closes_all_its_sockets_and_only_those(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    other = await make_department()
    url = ws_url(server)
    token = gql.token(department.admin, department.tenant)
    async with (
        Socket.connect(http, url, token) as one,
        Socket.connect(http, url, token) as two,
        Socket.connect(http, url, gql.token(other.admin, other.tenant)) as bystander,
    ):
        await bystander.subscribe()
        assert sessions.count(department.tenant.id, department.admin.id) == 2
        await sessions.revoke_user(department.tenant.id, department.admin.id)
        assert await one.wait_closed(5) == sessions.CLOSE_REVOKED
        assert await two.wait_closed(5) == sessions.CLOSE_REVOKED
        await asyncio.sleep(0.3)
        assert not bystander.closed.is_set()
    assert sessions.count(department.tenant.id, department.admin.id) == 0


async def test_prev_links_each_event_to_its_tenants_previous_one(
    database: Any, make_department
) -> None:
    department = await make_department()
    async with transaction(department.actor) as work:
        work.emit(department.tenant.id, Topic.TENANT_UPDATED, {})
        work.emit(department.tenant.id, Topic.TENANT_UPDATED, {})
    first, second = work.published
    assert first.prev == (await stored(department))[-3]
    assert second.prev == first.id
    assert await reader.latest_id(department.tenant.id) == second.id
