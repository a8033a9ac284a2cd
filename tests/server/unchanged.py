"""What the bad-input tests compare: every row a request could touch, before and after, and the
one typed error of a request that did not run. Holds no tests itself."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from tortoise import connections

NUL = "\x00"
TENANT_TABLES = (
    "org_unit",
    "app_user",
    "role",
    "role_assignment",
    "document_type",
    "document_template",
    "document",
    "document_event",
    "task",
    "attachment",
    "form_definition",
    "form_version",
    "flow_definition",
    "flow_version",
    "audit_entry",
    "exchange_dispatch",
    "exchange_incoming",
)
GLOBAL_TABLES = ("tenant", "tenant_application")


async def snapshot(tenant_ids: Iterable[uuid.UUID]) -> dict[str, Any]:
    """Count and checksum of every row of the tables a request could touch: of the given
    tenants for tenant-owned ones, all rows of the global ones; events by count."""
    db = connections.get("default")
    ids = [str(t) for t in tenant_ids]
    found: dict[str, Any] = {}
    for table in (*TENANT_TABLES, *GLOBAL_TABLES, "outbox_event"):
        where = "WHERE tenant_id::text = ANY($1::text[])" if table in TENANT_TABLES else ""
        digest = (
            "''" if table == "outbox_event" else "md5(string_agg(t::text, ',' ORDER BY t::text))"
        )
        rows = await db.execute_query_dict(
            f"SELECT count(*) AS n, {digest} AS digest FROM {table} t {where}",  # noqa: S608
            [ids] if where else None,
        )
        found[table] = (rows[0]["n"], rows[0]["digest"])
    return found


def refused(result: Any, code: str = "BAD_USER_INPUT") -> dict[str, Any]:
    """The one typed GraphQL error of a request that did not run."""
    assert result.status == 200, result.body
    assert result.body.get("data") is None, result.body
    [error] = result.errors
    assert error["extensions"]["code"] == code, error
    assert "Internal" not in error["message"]
    return dict(error)
