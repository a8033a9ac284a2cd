"""`officecloud bench …`: seed data, run the raw-asyncpg floor server, run load scripts."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

bench_cli = typer.Typer(help="Benchmarks: seed data, the raw-asyncpg floor, load scripts.")


@bench_cli.command("seed")
def seed_command(
    documents: Annotated[int, typer.Option(help="Documents in total.")] = 10_000,
    tenants: Annotated[int, typer.Option(help="Tenants (bench-000 holds the probes).")] = 100,
    users: Annotated[int, typer.Option(help="Users in total.")] = 10_000,
    approvals: Annotated[int, typer.Option(help="Open tasks per approver probe.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 8,
) -> None:
    """Fill DATABASE_URL (migrated here) with tenants, users and documents in many states."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from bench.seed import seed as run_seed
    from server import db
    from server.settings import get_settings

    settings = get_settings()
    if settings.embedded:
        raise typer.BadParameter("Set DATABASE_URL to a PostgreSQL database")
    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)

    async def work() -> dict[str, object]:
        await db.migrate(settings)
        await db.connect(settings)
        try:
            columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn())
            with Progress(*columns, BarColumn(), TimeElapsedColumn()) as progress:
                return await run_seed(
                    dsn,
                    documents=documents,
                    tenant_count=tenants,
                    users=users,
                    approvals=approvals,
                    seed_value=seed,
                    progress=progress,
                )
        finally:
            await db.disconnect()

    started = time.perf_counter()
    result = asyncio.run(work())
    Console().print(f"Seeded {result} in {time.perf_counter() - started:.0f}s")


@bench_cli.command("search")
def search_command(
    documents: Annotated[int, typer.Option(help="Documents in the search tenant.")] = 1_000_000,
    rounds: Annotated[int, typer.Option(help="Runs of each search per viewer.")] = 50,
) -> None:
    """Seed a tenant with `documents` indexed documents (DATABASE_URL, PostgreSQL) and print
    the p50/p99 of typical searches for three kinds of viewer."""
    import time

    from rich.console import Console
    from rich.table import Table

    from bench import search
    from server import db
    from server.settings import get_settings

    settings = get_settings()
    if settings.embedded:
        raise typer.BadParameter("Set DATABASE_URL to a PostgreSQL database")
    console = Console()

    async def work() -> list[dict[str, object]]:
        await db.migrate(settings)
        await db.connect(settings)
        try:
            started = time.perf_counter()
            seeded = await search.seed(documents)
            console.print(
                f"{seeded.documents} documents, seeded in {time.perf_counter() - started:.0f}s"
            )
            return await search.measure(seeded.tenant, rounds)
        finally:
            await db.disconnect()

    table = Table("viewer", "query", "hits", "p50 ms", "p99 ms")
    for row in asyncio.run(work()):
        table.add_row(*(f"{v:.1f}" if isinstance(v, float) else str(v) for v in row.values()))
    console.print(table)


@bench_cli.command("floor")
def floor_command(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8001,
    pool: Annotated[int, typer.Option(help="asyncpg pool size (match the server's).")] = 10,
) -> None:
    """Serve the raw-asyncpg floor the load scripts compare with (DATABASE_URL)."""
    import uvloop
    from aiohttp import web

    from bench.floor import create_app
    from server.settings import get_settings

    settings = get_settings()
    uvloop.install()
    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)
    web.run_app(create_app(dsn, pool), host=host, port=port, access_log=None, print=None)


@bench_cli.command("load")
def load_command(
    scenario: Annotated[str, typer.Option(help="inbox, detail, approve, stats or all.")] = "all",
    url: Annotated[str, typer.Option(help="The GraphQL server.")] = "http://127.0.0.1:8000",
    floor: Annotated[str, typer.Option(help="The floor server.")] = "http://127.0.0.1:8001",
    duration: Annotated[int, typer.Option(help="Seconds per measurement.")] = 10,
    connections: Annotated[int, typer.Option(help="Concurrent connections.")] = 8,
    warmup: Annotated[int, typer.Option(help="Seconds of warm-up per target.")] = 2,
) -> None:
    """wrk against GraphQL and the floor: requests/s, p50/p90/p99 and the ratio."""
    from rich.console import Console
    from rich.table import Table

    from bench.load import SCENARIOS, run
    from server.settings import get_settings

    settings = get_settings()
    table = Table("scenario", "target", "req/s", "p50 ms", "p90 ms", "p99 ms", "failed", "ratio")
    for name in SCENARIOS if scenario == "all" else (scenario,):
        result = run(
            name,
            settings=settings,
            url=url,
            floor=floor,
            seconds=duration,
            connections=connections,
            warmup=warmup,
        )
        ratio = result["graphql"]["rps"] / result["floor"]["rps"]
        for target in ("graphql", "floor"):
            r = result[target]
            table.add_row(
                name,
                target,
                f"{r['rps']:.0f}",
                f"{r['p50_us'] / 1000:.1f}",
                f"{r['p90_us'] / 1000:.1f}",
                f"{r['p99_us'] / 1000:.1f}",
                str(r["failed"] + r["socket_errors"]),
                f"{ratio:.2f}" if target == "graphql" else "",
            )
    Console(width=120).print(table)


@bench_cli.command("profile")
def profile_command(
    scenario: Annotated[str, typer.Option(help="inbox, detail, approve or stats.")] = "inbox",
    count: Annotated[int, typer.Option(help="Requests profiled.")] = 200,
    registered: Annotated[
        bool, typer.Option(help="Name the operation by hash (its compiled plan answers).")
    ] = False,
) -> None:
    """Profile one scenario in-process with pyinstrument (DATABASE_URL, dev mode)."""
    from bench.profile import run
    from server.settings import get_settings

    settings = get_settings().model_copy(update={"background_jobs": False})
    typer.echo(run(settings, scenario, count, registered))


@bench_cli.command("parts")
def parts_command(
    count: Annotated[int, typer.Option(help="Requests per query and way.")] = 200,
) -> None:
    """CPU per request of growing pieces of the inbox, as text and registered (in-process)."""
    from rich.console import Console
    from rich.table import Table

    from bench.parts import run
    from server.settings import get_settings

    settings = get_settings().model_copy(update={"background_jobs": False})
    table = Table("query", "text: CPU ms/request", "registered: CPU ms/request")
    for name, text, registered in run(settings, count):
        table.add_row(name, f"{text:.2f}", f"{registered:.2f}")
    Console(width=120).print(table)


@bench_cli.command("chaos")
def chaos_command(
    clients: Annotated[int, typer.Option(help="Concurrent clients.")] = 20,
    pause: Annotated[float, typer.Option(help="Seconds of load before and after the faults.")] = 5,
) -> None:
    """Run the fault tests' faults under load and print a one-screen report (DATABASE_URL:
    a database of its own; needs redis-server; exit 1 when an invariant broke)."""
    from rich.console import Console

    from bench.chaos import chaos
    from server import db
    from server.settings import get_settings

    settings = get_settings()
    if settings.embedded:
        raise typer.BadParameter("Set DATABASE_URL to a PostgreSQL database")

    async def work() -> bool:
        await db.migrate(settings)
        await db.connect(settings)
        try:
            return await chaos(str(settings.database_url), clients, pause, Console())
        finally:
            await db.disconnect()

    if not asyncio.run(work()):
        raise typer.Exit(1)


@bench_cli.command("cpu")
def cpu_command(
    scenario: Annotated[str, typer.Option(help="inbox, detail, approve or stats.")] = "inbox",
    requests: Annotated[int, typer.Option(help="Requests per target per round.")] = 300,
    rounds: Annotated[int, typer.Option(help="Rounds (medians are printed).")] = 5,
    concurrency: Annotated[int, typer.Option(help="Requests in flight.")] = 4,
    peer: Annotated[
        bool, typer.Option(help="Also PostGraphile 4 (inbox; `npm ci` in bench/postgraphile).")
    ] = False,
) -> None:
    """CPU per request from /proc: the server and the floor (both started here, on core 0)."""
    from rich.console import Console
    from rich.table import Table

    from bench.cpu import postgraphile, run
    from server.settings import get_settings

    settings = get_settings()
    extra = postgraphile(settings) if peer and scenario == "inbox" else None
    result = run(
        settings,
        scenario,
        requests=requests,
        rounds=rounds,
        concurrency=concurrency,
        extra=extra,
    )
    table = Table("scenario", "target", "CPU ms/request (median)", "rounds", "RSS MiB", "ratio")
    for name, r in result.items():
        rounds_text = " ".join(f"{x:.2f}" for x in r["all_ms"])
        table.add_row(
            scenario,
            name,
            f"{r['cpu_ms']:.2f}",
            rounds_text,
            f"{r['rss_kib'] / 1024:.0f}",
            f"{r['ratio']:.3f}",
        )
    Console(width=140).print(table)
