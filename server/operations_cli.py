"""`officecloud operations …`: trusted documents from a client build's manifest."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

operations_cli = typer.Typer(help="Trusted documents: the operations front ends may name by hash.")
out = Console()
err = Console(stderr=True)


@operations_cli.command("register")
def register(
    manifest: Annotated[typer.FileText, typer.Argument(help="Apollo or Relay manifest (JSON).")],
) -> None:
    """Register the documents of a client build's persisted query manifest."""
    import orjson

    from server import db
    from server.settings import get_settings
    from services import operations, tenants
    from services.errors import ServiceError

    settings = get_settings()

    async def work() -> list[str]:
        if settings.embedded:
            await db.migrate(settings)
        await db.connect(settings)
        try:
            found = operations.from_manifest(orjson.loads(manifest.read()))
            rows = await operations.register_operations(await tenants.system_actor(), found)
        finally:
            await db.disconnect()
        return [f"{r.hash} {r.name or ''} {r.document_id or ''}".rstrip() for r in rows]

    try:
        lines = asyncio.run(work())
    except (ServiceError, orjson.JSONDecodeError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    for line in lines:
        out.print(line, markup=False)
