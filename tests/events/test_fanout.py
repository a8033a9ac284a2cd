"""One render per visibility class (schema/rendering.py): subscribers who must get the same bytes
for an event share one render; any difference in tenant, read rule, selection or the variables
it reads gives a render (or no delivery) of its own."""

from __future__ import annotations

import contextlib
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from prometheus_client import REGISTRY

from models.documents import Secrecy
from models.outbox import OutboxEvent
from schema import rendering
from server.app import BUS
from tests.conftest import GraphQL, gid, ws_url
from tests.documents.support import DOC, Office
from tests.events.support import position, until
from tests.events.test_events import MY_TASKS, emit, rename_root
from tests.ws_client import TENANT_EVENTS, Socket

ALIASED = """subscription($after: ID) {
  live: tenantEvents(after: $after) { id topic tenantId occurredAt payload } }"""
OPTIONAL = """subscription($after: ID, $full: Boolean!) {
  tenantEvents(after: $after) { id topic tenantId occurredAt payload @include(if: $full) } }"""
CHANGED = """subscription($id: ID!, $after: ID) {
  documentChanged(documentId: $id, after: $after) { id topic payload } }"""


def counted() -> dict[str, float]:
    return {
        "shared": REGISTRY.get_sample_value(
            "officecloud_subscription_renders_total", {"shared": "yes"}
        )
        or 0.0,
        "alone": REGISTRY.get_sample_value(
            "officecloud_subscription_renders_total", {"shared": "no"}
        )
        or 0.0,
        "reused": REGISTRY.get_sample_value("officecloud_subscription_render_reuses_total") or 0.0,
    }


def since(before: dict[str, float]) -> dict[str, float]:
    return {k: v - before[k] for k, v in counted().items()}


async def test_one_render_per_class_of_the_same_tenant_and_selection(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department: Any
) -> None:
    """Four admins' subscriptions, resumed from different points, one event: one render, the
    same bytes for all; a different selection or a variable it reads makes another class."""
    department = await make_department()
    foreign = await make_department()
    token = gql.token(department.admin, department.tenant)
    start = await position(department)
    async with (
        Socket.connect(http, ws_url(server), token) as one,
        Socket.connect(http, ws_url(server), token) as two,
        Socket.connect(http, ws_url(server), gql.token(foreign.admin, foreign.tenant)) as other,
    ):
        same = [
            (one, await one.subscribe(TENANT_EVENTS, start)),
            (one, await one.subscribe(TENANT_EVENTS, {**start, "topics": ["directory."]})),
            (two, await two.subscribe(TENANT_EVENTS, start)),
            (two, await two.subscribe(TENANT_EVENTS)),  # no `after`: from now on
        ]
        aliased = await one.subscribe(ALIASED, start)
        full = await two.subscribe(OPTIONAL, {**start, "full": True})
        bare = await two.subscribe(OPTIONAL, {**start, "full": False})
        abroad = await other.subscribe(TENANT_EVENTS, await position(foreign))
        await one.subscribe("subscription { __typename }")  # not a subscription field: refused
        before = counted()
        await rename_root(gql, department, "一次渲染")
        for socket, op in same:
            await socket.events(op, 1)
        (live,) = await one.events(aliased, 1)
        (with_payload,) = await two.events(full, 1)
        (without,) = await two.events(bare, 1)
        await rename_root(gql, foreign, "外单位")
        (theirs,) = await other.events(abroad, 1)

    rendered = since(before)
    # one render each: the four alike, the alias, payload included, payload left out; the
    # foreign tenant's own event
    assert rendered == {"shared": 5, "alone": 0, "reused": 3}, rendered
    frames = {socket.payloads[op][0] for socket, op in same}
    assert len(frames) == 1, frames
    (event,) = {socket.received[op][0]["id"] for socket, op in same}
    assert one.payloads[aliased][0].startswith(b'{"data":{"live":{')
    assert live == with_payload == same[0][0].received[same[0][1]][0]
    assert without == {k: v for k, v in with_payload.items() if k != "payload"}
    assert theirs["id"] != event
    assert theirs["tenantId"] == gid("Tenant", foreign.tenant.id)
    assert all(e["id"] != event for e in other.received[abroad])


async def test_the_read_rule_decides_per_subscriber_before_any_render_is_shared(
    dispatch_office: Office, server: TestServer, http: aiohttp.ClientSession
) -> None:
    """A secret document: the initiator and the approver share one render of each event; the
    tenant admin (whose secrecy level does not reach it) and an outsider are refused; and a
    reader who may read an ordinary document gets that one's events, never the secret's."""
    office = dispatch_office
    secret = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "机密请示",
            "formData": {"body": "x"},
            "secrecy": Secrecy.SECRET.name,
        },
        DOC,
    )
    plain = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": "普通请示", "formData": {"body": "y"}},
        DOC,
    )
    secret_id, plain_id = secret["document"]["id"], plain["document"]["id"]
    start = await position(office.department)
    url = ws_url(server)
    async with (
        Socket.connect(http, url, office.token("writer")) as writer,
        Socket.connect(http, url, office.token("director")) as director,
        Socket.connect(http, url, office.token("admin")) as admin,
        Socket.connect(http, url, office.token("outsider")) as outsider,
    ):
        await office.ok("writer", "submitDocument", {"id": secret_id}, DOC)
        watched = [
            (writer, await writer.subscribe(CHANGED, {**start, "id": secret_id})),
            (director, await director.subscribe(CHANGED, {**start, "id": secret_id})),
        ]
        refused = [
            await admin.error(await admin.subscribe(CHANGED, {**start, "id": secret_id})),
            await outsider.error(await outsider.subscribe(CHANGED, {**start, "id": secret_id})),
        ]
        on_plain = await admin.subscribe(CHANGED, {**start, "id": plain_id})
        replayed = [await s.events(op, 2) for s, op in watched]  # submitted: status + task
        before = counted()
        await office.approve("director", secret_id)
        await office.ok("writer", "submitDocument", {"id": plain_id}, DOC)
        live = [await s.events(op, 3) for s, op in watched]
        plain_events = await admin.events(on_plain, 1)

    rendered = since(before)
    assert [e["extensions"]["code"] for r in refused for e in r] == ["NOT_FOUND", "NOT_FOUND"]
    assert replayed[0] == replayed[1]
    assert live[0] == live[1]
    assert watched[0][0].payloads[watched[0][1]] == watched[1][0].payloads[watched[1][1]]
    assert {e["payload"]["documentId"] for e in live[0]} == {secret_id}
    assert {e["payload"]["documentId"] for e in plain_events} == {plain_id}
    # the approval's events: one render each, shared by initiator and approver; the admin's
    # subscription on the ordinary document renders its own events. (No bound of reuses by
    # renders: a render made just before the window opened may be reused inside it.)
    assert rendered["reused"] >= 1
    assert rendered["alone"] == 0


async def test_types_not_declared_shareable_render_per_subscriber(
    server: TestServer,
    gql: GraphQL,
    http: aiohttp.ClientSession,
    make_department: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A type whose bytes may depend on the viewer is rendered for each subscriber."""
    monkeypatch.setattr(rendering, "SHARED_TYPES", {})
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    start = await position(department)
    async with (
        Socket.connect(http, ws_url(server), token) as one,
        Socket.connect(http, ws_url(server), token) as two,
    ):
        ops = [(one, await one.subscribe(TENANT_EVENTS, start)), (two, await two.subscribe())]
        await one.events(ops[0][1], 0)
        before = counted()
        await rename_root(gql, department, "各自渲染")
        for socket, op in ops:
            await socket.events(op, 1)
    assert since(before) == {"shared": 0, "alone": 2, "reused": 0}


async def test_shared_bytes_written_straight_are_the_messages_the_general_path_sends(
    dispatch_office: Office,
    server: TestServer,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every viewer twice: one socket whose subscriptions get the shared render written straight
    to it, one subscribed while nothing is declared shareable (graphql-core renders each event
    and strawberry sends it). Same events, same operation ids: byte for byte the same messages,
    replayed (`after`) and live, with the events the read rule refuses a viewer missing from
    both, and the same refusal at subscribe time. (No subscription type carries hidden fields:
    an event's payload never holds form values, so there is no viewer-dependent render.)"""
    office = dispatch_office
    department = office.department
    secret = await office.ok("writer", "createDocument", secret_document(office), DOC)
    secret_id = secret["document"]["id"]
    start = await position(department)
    writer, director = office.id("writer"), office.id("director")
    await emit(department, "task.changed", {"taskId": "t1", "userIds": [director]})
    await office.ok("writer", "submitDocument", {"id": secret_id}, DOC)
    on_secret = {**start, "id": secret_id}
    plan = {
        "admin": [(TENANT_EVENTS, start)],
        "writer": [(MY_TASKS, start), (CHANGED, on_secret)],
        "director": [(MY_TASKS, start), (CHANGED, on_secret)],
        "outsider": [(CHANGED, on_secret)],  # may not read it: NOT_FOUND
    }
    hub = server.app[BUS].hub
    sockets: dict[str, list[Socket]] = {who: [] for who in plan}
    before = counted()
    async with contextlib.AsyncExitStack() as stack:
        for shareable in (True, False):
            if not shareable:
                monkeypatch.setattr(rendering, "SHARED_TYPES", {})
            listening = hub.listeners
            for who, subscriptions in plan.items():
                connecting = Socket.connect(http, ws_url(server), office.token(who))
                socket = await stack.enter_async_context(connecting)
                sockets[who].append(socket)
                for query, variables in subscriptions:
                    await socket.subscribe(query, variables)
            await until(lambda n: hub.listeners == n + 5, listening)  # class keys are made
        await office.approve("director", secret_id)
        await emit(department, "task.changed", {"taskId": "t2", "userIds": [writer]})
        last = {"taskId": "t3", "documentId": secret_id, "userIds": [writer, director]}
        await emit(department, "task.changed", last)
        since_start = await OutboxEvent.filter(
            tenant_id=department.tenant.id, id__gt=int(start["after"])
        ).count()
        for socket in sockets["writer"] + sockets["director"]:
            for op in ("1", "2"):  # the last event of both of their streams is t3
                await until(lambda s, o: last_task(s.received[o]) == "t3", socket, op)
        for socket in sockets["admin"]:
            await socket.events("1", since_start)
        for socket in sockets["outsider"]:
            await socket.error("1")

    rendered = since(before)
    fast_path, general_path = ([s[i].received for s in sockets.values()] for i in (0, 1))
    delivered = sum(len(e) for r in [*fast_path, *general_path] for e in r.values())
    assert rendered["shared"] + rendered["reused"] + rendered["alone"] == delivered
    assert rendered["alone"] >= sum(len(e) for r in general_path for e in r.values())
    assert rendered["reused"] > 0  # the fast path answered (an event that raced a socket's
    # first class key may still be rendered alone: the bytes below are the same either way)
    for who, (fast, general) in sockets.items():
        assert fast.frames == general.frames, who
        assert all(fast.frames.values()), who
    tasks = {w: [e["payload"].get("taskId") for e in sockets[w][0].received["1"]] for w in plan}
    assert "t1" not in tasks["writer"]
    assert "t2" in tasks["writer"]
    assert "t1" in tasks["director"]
    assert "t2" not in tasks["director"]
    assert sockets["outsider"][0].errors["1"][0]["extensions"]["code"] == "NOT_FOUND"


def secret_document(office: Office) -> dict[str, Any]:
    return {
        "documentTypeId": office.type_id,
        "title": "机密请示",
        "formData": {"body": "x"},
        "secrecy": Secrecy.SECRET.name,
    }


def last_task(events: list[dict[str, Any]]) -> str | None:
    return events[-1]["payload"].get("taskId") if events else None
