"""notificationReceived over a real websocket: replay-then-live, and only the viewer's own."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from tests.conftest import GraphQL, ws_url
from tests.documents.support import Office
from tests.events.support import position
from tests.flows.support import start_document
from tests.notifications.flow import notice_office
from tests.ws_client import Socket

RECEIVED = "subscription($after: ID) { notificationReceived(after: $after) { id topic payload } }"


async def test_notifications_arrive_live_and_replay_after_a_reconnect(
    gql: GraphQL, make_department: Any, http: ClientSession, server: TestServer
) -> None:
    office: Office = await notice_office(gql, make_department)
    start = await position(office.department)
    document = await start_document(office, office.type_id, 5)
    async with (
        Socket.connect(http, ws_url(server), office.token("director")) as director,
        Socket.connect(http, ws_url(server), office.token("leader")) as leader,
    ):
        replayed = await director.events(await director.subscribe(RECEIVED, start), 1)
        live = await director.subscribe(RECEIVED, await position(office.department))
        others = await leader.subscribe(RECEIVED, start)
        await office.ok(
            "writer", "urgeDocument", {"id": document["id"], "comment": "加急"}, "document { id } "
        )
        (urge,) = await director.events(live, 1)
        await office.approve("director", document["id"])
        (signing,) = await leader.events(others, 1)
    assert replayed[0]["payload"]["kind"] == "task_assigned", "missed while away: replayed"
    assert urge["topic"] == "notification.created"
    assert urge["payload"]["kind"] == "task_urged"
    assert urge["payload"]["text"].endswith("留言：加急")
    assert urge["payload"]["link"] == document["id"]
    assert signing["payload"]["text"] == "您有新的待办：《关于采购的请示》「签发」", (
        "the leader saw none of the director's"
    )
