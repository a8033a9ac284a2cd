"""`officecloud bench parts`: what each part of the inbox costs. The server runs in this process
(as `bench profile`); each query, a growing piece of the inbox, is sent as text and then by its
hash (registered, so its compiled plan answers), and the process's CPU per request is printed
(server and client together: the client's share is the same for every line)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from auth.dev_issuer import DevIssuer
from bench.cpu import register
from bench.load import INBOX, probes
from bench.seed import PROBE_TENANT
from server.app import create_app
from server.settings import Settings

PAGE = "myTasks(kind: OPEN, first: 20)"
PARTS = {
    "__typename": "query P0 { __typename }",
    "viewer": "query P1 { viewer { user { id } } }",
    "tasks": f"query P2 {{ {PAGE} {{ edges {{ node {{ id nodeName createdAt dueAt }} }} }} }}",
    "+ totalCount": f"query P3 {{ {PAGE} {{ totalCount edges {{ node {{ id nodeName }} }} }} }}",
    "+ document { id }": f"query P4 {{ {PAGE} {{ edges {{ node {{ id document {{ id }} }} }} }} }}",
    "+ document fields": f"query P5 {{ {PAGE} {{ edges {{ node {{ id document {{ id title "
    "number urgency status } } } } }",
    "+ initiator": f"query P6 {{ {PAGE} {{ edges {{ node {{ id document {{ id initiator {{ "
    "displayName } } } } } }",
    "+ type and unit": f"query P7 {{ {PAGE} {{ edges {{ node {{ id document {{ id initiator {{ "
    "displayName } documentType { name } orgUnit { name } } } } } }",
    "inbox": INBOX,
}


async def measure(settings: Settings, count: int) -> list[tuple[str, float, float]]:
    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)
    issuer = DevIssuer.load(
        settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
    )
    reader = (await probes(dsn)).reader
    token = issuer.issue(subject=reader, tenant=PROBE_TENANT, ttl_seconds=3600)
    headers = {"Authorization": f"Bearer {token}"}
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    found = []
    try:
        async with ClientSession() as session:
            url = str(server.make_url("/graphql"))

            async def cpu_ms(body: dict[str, Any]) -> float:
                for i in range(count + 30):
                    if i == 30:
                        started = time.process_time()
                    async with session.post(url, json=body, headers=headers) as response:
                        answer = await response.read()
                        if response.status != 200 or b'"errors"' in answer:
                            raise RuntimeError(answer[:300])
                return (time.process_time() - started) * 1000 / count

            for name, query in PARTS.items():
                line = f"{token}\t{orjson.dumps({'query': query}).decode()}"
                named = orjson.loads((await register(dsn, [line]))[0].split("\t", 1)[1])
                found.append((name, await cpu_ms({"query": query}), await cpu_ms(named)))
    finally:
        await server.close()
    return found


def run(settings: Settings, count: int) -> list[tuple[str, float, float]]:
    return asyncio.run(measure(settings, count))
