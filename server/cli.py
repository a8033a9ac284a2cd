"""`officecloud …`: serve, migrate, demo data, dev tokens, tenants, schema export, audit, the
working-day calendar."""

from __future__ import annotations

import asyncio
import errno
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from importlib.metadata import entry_points
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from server import db
from server.api_cli import api_cli
from server.operations_cli import operations_cli
from server.settings import Settings, get_settings

T = TypeVar("T")
cli = typer.Typer(help="Officecloud: office automation for government departments.")
audit_cli = typer.Typer(help="The tamper-evident audit log.")
cli.add_typer(audit_cli, name="audit")
sync_cli = typer.Typer(help="Directory sync with the portal (组织机构、用户同步).")
cli.add_typer(sync_cli, name="sync")
workdays_cli = typer.Typer(help="The working-day calendar (工作日历).")
cli.add_typer(workdays_cli, name="workdays")
cli.add_typer(api_cli, name="api")
cli.add_typer(operations_cli, name="operations")
COMMANDS = "officecloud.commands"
"""Entry-point group through which tools add command groups (`officecloud bench …`): the CLI
offers the hook, the tool registers itself, and the server never imports a tool."""
for command in entry_points(group=COMMANDS):
    cli.add_typer(command.load(), name=command.name)
out = Console()
err = Console(stderr=True)


def main() -> None:
    cli()


def _run(work: Callable[[Settings], Awaitable[T]]) -> T:
    """Run one async command with the database connected."""
    settings = get_settings()

    async def wrapper() -> T:
        if settings.embedded:
            await db.migrate(settings)
        await db.connect(settings)
        try:
            return await work(settings)
        finally:
            await db.disconnect()

    return asyncio.run(wrapper())


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="TCP port [default: OFFICECLOUD_PORT, else 8000]."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes sharing the port.")] = 1,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed the demo data and print its tokens first.")
    ] = False,
) -> None:
    """Serve GraphQL on HTTP and websockets (several processes share one port)."""
    settings = get_settings()
    port = port or settings.port
    if workers > 1 and not settings.redis_url:
        err.print("[red]--workers > 1 needs REDIS_URL so events reach every process.[/red]")
        raise typer.Exit(2)
    problem = _cannot_listen(host, port)
    if problem:
        err.print(f"[red]{problem}[/red]", soft_wrap=True)
        raise typer.Exit(1)
    if settings.embedded:
        asyncio.run(db.migrate(settings))
    if demo:
        _show_demo()
    if settings.dev_mode:
        from auth.dev_issuer import DevIssuer

        DevIssuer.load(
            settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
        )
    mode = "dev mode, " if settings.dev_mode else ""
    store = "SQLite (embedded)" if settings.embedded else "PostgreSQL"
    bus_kind = "Redis" if settings.redis_url else "in-process bus"
    err.print(
        f"Officecloud on http://{host}:{port}/graphql ({mode}{store}, {bus_kind})", soft_wrap=True
    )
    if workers == 1:
        _worker(host, port, False)
        return
    from server.logs import configure

    configure(settings.log_level, settings.log_json)
    from server.supervisor import Supervisor

    code = Supervisor(
        _worker,
        (host, port, True),
        workers=workers,
        restart_limit=settings.worker_restart_limit,
        restart_window=settings.worker_restart_window_seconds,
        drain=settings.shutdown_drain_seconds,
        metrics_dir=settings.data_dir.resolve() / "prometheus",
    ).run()
    if code:
        raise typer.Exit(code)


def _cannot_listen(host: str, port: int) -> str | None:
    """Why `serve` could not listen on host:port, found before anything starts (binding
    first the way the server will, then letting go)."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"Cannot listen on {host}:{port}: {exc.strerror}."
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return (
                        f"Port {port} on {host} is already in use: stop what runs there, or "
                        f"choose another port (make run PORT=…, serve --port, OFFICECLOUD_PORT)."
                    )
                return f"Cannot listen on {host}:{port}: {exc.strerror}."
    return None


def _worker(host: str, port: int, reuse_port: bool) -> None:
    import uvloop
    from aiohttp import web

    from server.app import create_app
    from server.logs import configure

    settings = get_settings()
    configure(settings.log_level, settings.log_json)
    uvloop.install()
    web.run_app(
        create_app(settings),
        host=host,
        port=port,
        reuse_port=reuse_port,
        access_log=None,
        print=None,
        handle_signals=True,
        shutdown_timeout=settings.shutdown_drain_seconds,
    )


@cli.command()
def migrate() -> None:
    """Apply pending database migrations (safe to run from several hosts at once)."""
    asyncio.run(db.migrate(get_settings()))
    out.print("Migrations applied.")


@cli.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL SDL (kept in schema.graphql)."""
    from schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")


@cli.command("create-tenant")
def create_tenant(
    code: Annotated[str, typer.Option(help="Unique short code.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    parent: Annotated[str | None, typer.Option(help="Code of the parent tenant.")] = None,
    admin: Annotated[str, typer.Option(help="Username of its first administrator.")] = "admin",
) -> None:
    """Create an active tenant with default roles, a root org unit and an administrator."""
    from models.tenants import Tenant
    from services import tenants
    from services.errors import ServiceError

    async def work(settings: Settings) -> None:
        parent_id = None
        if parent:
            found = await Tenant.get_or_none(code=parent)
            if found is None:
                err.print(f"[red]No tenant has the code '{parent}'.[/red]")
                raise typer.Exit(1)
            parent_id = found.id
        try:
            tenant, user = await tenants.create_tenant(
                await tenants.system_actor(),
                code=code,
                name=name,
                parent_id=parent_id,
                admin_username=admin,
            )
        except ServiceError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        out.print(f"Tenant {tenant.code} ({tenant.id}) with administrator {user.username}")
        if settings.dev_mode:
            out.print(f"Token: {_dev_token(settings, str(user.id), tenant.code)}")

    _run(work)


@cli.command("dev-token")
def dev_token(
    user: Annotated[str, typer.Option(help="Username (or user id).")],
    tenant: Annotated[str, typer.Option(help="Tenant code.")],
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 8 * 3600,
) -> None:
    """Print a dev-mode access token for a user (the server must run with DEV_MODE)."""
    from models.directory import User
    from models.scope import TenantScope
    from models.tenants import Tenant
    from services.inputs import parse_id

    async def work(settings: Settings) -> str:
        found = await Tenant.get_or_none(code=tenant)
        if found is None:
            err.print(f"[red]No tenant has the code '{tenant}'.[/red]")
            raise typer.Exit(1)
        scope = TenantScope(found.id)
        key = parse_id(user)
        row = await (scope.get(User, key) if key else scope.query(User).get_or_none(username=user))
        if row is None:
            err.print(f"[red]No user '{user}' in tenant '{tenant}'.[/red]")
            raise typer.Exit(1)
        return _dev_token(settings, str(row.id), found.code, ttl)

    sys.stdout.write(_run(work) + "\n")


@cli.command()
def graphiql_assets() -> None:
    """Install GraphiQL's files (dev mode's IDE) from npm, so it works offline."""
    from server import graphiql

    try:
        written = graphiql.install()
    except (OSError, subprocess.CalledProcessError, ValueError) as exc:
        err.print(f"[red]GraphiQL's files were not installed: {exc}[/red]")
        raise typer.Exit(1) from exc
    out.print(f"GraphiQL: {len(written)} files in {graphiql.ASSETS}")


@cli.command()
def demo() -> None:
    """Seed a demo platform (idempotent) and print a dev token per user."""
    _show_demo()


def _show_demo() -> None:
    from server.demo import seed

    accounts = _run(seed)
    settings = get_settings()
    if not settings.dev_mode:
        err.print("[yellow]Tokens work only on a server with OFFICECLOUD_DEV_MODE=true.[/yellow]")
    out.print("[bold]Demo accounts[/bold] (dev tokens, valid 8 hours):")
    for tenant_code, username, role, user_id in accounts:
        token = _dev_token(settings, user_id, tenant_code)
        out.print(f"\n[cyan]{tenant_code}/{username}[/cyan] ({role})\n{token}", soft_wrap=True)
    director = next(a for a in accounts if a[1] == "li.na")
    first = _dev_token(settings, director[3], director[0])
    url = f"{settings.public_url}/graphql"
    out.print("\n[bold]Try it:[/bold]")
    out.print(
        f"curl -s {url} -H 'Content-Type: application/json' -H 'Authorization: Bearer {first}' "
        '-d \'{"query": "{ viewer { user { displayName } } myTasks { edges { node { nodeName '
        "allowedActions document { title urgency initiator { displayName } } } } } }\"}'",
        soft_wrap=True,
    )
    out.print(
        f'\nGraphiQL at {url}, headers:\n{{"Authorization": "Bearer {first}"}}', soft_wrap=True
    )
    out.print(f"API reference at {settings.public_url}/docs/api", soft_wrap=True)


@audit_cli.command("verify")
def audit_verify(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant code.")] = None,
) -> None:
    """Check every tenant's hash chain; report the first broken link and exit 1."""
    from models.tenants import Tenant
    from services.audit import verify

    async def work(settings: Settings) -> int:
        query = Tenant.filter(code=tenant) if tenant else Tenant.all()
        broken = 0
        for row in await query.order_by("code"):
            problem = await verify(row.id)
            if problem is None:
                out.print(f"{row.code}: chain intact")
            else:
                broken += 1
                where = f"entry {problem.seq}" + (
                    f" ({problem.entry_id})" if problem.entry_id else ""
                )
                out.print(f"[red]{row.code}: broken at {where}: {problem.reason}[/red]")
        return broken

    if _run(work):
        raise typer.Exit(1)


@workdays_cli.command("seed")
def workdays_seed() -> None:
    """Add the public holidays and make-up workdays (调休) the installed `chinesecalendar`
    knows to the platform calendar; days already there (seeded, or entered by the platform
    administrator) are kept. Run it after upgrading the package each year."""
    from services import workdays
    from services.tenants import ensure_platform

    async def work(settings: Settings) -> int:
        return await workdays.seed((await ensure_platform()).id)

    out.print(f"{_run(work)} days added to the platform calendar")


@sync_cli.command("pull")
def sync_pull(
    tenant: Annotated[str, typer.Option(help="Code of the tenant to update.")],
    url: Annotated[str, typer.Option(help="The portal's SCIM base URL, e.g. https://…/scim/v2")],
    token: Annotated[str, typer.Option(help="Bearer token for the portal's SCIM endpoint.")],
    page_size: Annotated[int, typer.Option(min=1, max=1000, help="Resources per page.")] = 1000,
) -> None:
    """Read org units and users from a portal's SCIM endpoint and apply the difference
    (idempotent: a second run changes nothing; users the portal no longer lists are
    deprovisioned, never deleted)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from services.errors import ServiceError
    from sync.pull import pull

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage.capitalize(), total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        async def work(settings: Settings) -> Any:
            return await pull(tenant, url, token, page_size=page_size, progress=progress)

        try:
            report = _run(work)
        except ServiceError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    out.print(report.summary(), soft_wrap=True)


def _dev_token(settings: Settings, user_id: str, tenant_code: str, ttl: int = 8 * 3600) -> str:
    from auth.dev_issuer import DevIssuer

    issuer = DevIssuer.load(
        settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
    )
    return issuer.issue(subject=user_id, tenant=tenant_code, ttl_seconds=ttl)
