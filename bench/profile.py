"""`officecloud bench profile`: run one benchmark operation N times in-process under
pyinstrument and print where the time goes (the server code, not the network)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from auth.dev_issuer import DevIssuer
from bench.cpu import register
from bench.load import bodies, probes
from server.app import create_app
from server.settings import Settings


async def profile(settings: Settings, scenario: str, count: int, registered: bool) -> str:
    from pyinstrument import Profiler

    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)
    issuer = DevIssuer.load(
        settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
    )
    lines, _ = bodies(scenario, await probes(dsn), issuer)
    if registered:
        lines = await register(dsn, lines)
    requests: list[tuple[str, Any]] = []
    for line in lines[:count]:
        token, body = line.split("\t", 1)
        requests.append((token, orjson.loads(body)))
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            url = str(server.make_url("/graphql"))

            async def send(i: int) -> None:
                token, body = requests[i % len(requests)]
                headers = {"Authorization": f"Bearer {token}"}
                async with session.post(url, json=body, headers=headers) as response:
                    assert response.status == 200, await response.text()

            for i in range(min(20, count)):
                await send(i)
            profiler = Profiler(async_mode="enabled")
            profiler.start()
            for i in range(count):
                await send(i + 20)
            profiler.stop()
    finally:
        await server.close()
    return str(profiler.output_text(unicode=True, color=False, show_all=False))


def run(settings: Settings, scenario: str, count: int, registered: bool = False) -> str:
    return asyncio.run(profile(settings, scenario, count, registered))
