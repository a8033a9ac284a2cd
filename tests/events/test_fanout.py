"""One render per visibility class (schema/rendering.py): subscribers who must get the same bytes
for an event share one render; any difference in tenant, read rule, selection or the variables
it reads gives a render (or no delivery) of its own."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from prometheus_client import REGISTRY

from models.documents import Secrecy
from schema import rendering
from tests.conftest import GraphQL, gid, ws_url
from tests.documents.support import DOC, Office
from tests.events.support import position
from tests.events.test_events import rename_root
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
