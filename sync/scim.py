"""SCIM 2.0 server (placeholder while it is being written)."""

from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    return None
