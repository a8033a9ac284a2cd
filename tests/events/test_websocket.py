"""graphql-transport-ws with a real GraphQL client: authentication in `connection_init`."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from gql import Client
from gql import gql as document
from gql.transport.exceptions import TransportConnectionFailed
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import GraphQL, ws_url

PROTOCOL = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL


async def test_a_signed_in_client_runs_operations_over_the_socket(
    server: TestServer, gql: GraphQL, make_department
) -> None:
    department = await make_department()
    transport = WebsocketsTransport(
        url=ws_url(server),
        init_payload={"authorization": f"Bearer {gql.token(department.admin, department.tenant)}"},
        subprotocols=[PROTOCOL],
    )
    async with Client(transport=transport) as session:
        result = await session.execute(document("{ viewer { user { username } tenant { code } } }"))
    assert result["viewer"] == {
        "user": {"username": "admin"},
        "tenant": {"code": department.tenant.code},
    }


@pytest.mark.parametrize("payload", [{}, {"authorization": "Bearer not-a-token"}])
async def test_connection_init_without_a_valid_token_is_closed(
    server: TestServer, payload: dict[str, str]
) -> None:
    transport = WebsocketsTransport(
        url=ws_url(server), init_payload=payload, subprotocols=[PROTOCOL]
    )
    with pytest.raises(TransportConnectionFailed) as failure:
        async with Client(transport=transport) as session:
            await session.execute(document("{ viewer { user { id } } }"))
    assert "4403" in str(failure.value.__cause__)


async def test_the_legacy_protocol_is_not_offered(server: TestServer) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(ws_url(server), protocols=["graphql-ws"]) as socket,
    ):
        message = await socket.receive()
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert socket.close_code == 4406
