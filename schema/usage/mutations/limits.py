"""The limit arguments the package and allocation inputs share."""

from __future__ import annotations

from typing import Any

from resolvers.ids import keep

LIMIT_DESCRIPTIONS = {
    "max_users": "Active users at most; null: no limit here.",
    "max_storage_bytes": "Bytes of attachments at most; null: no limit here.",
    "max_monthly_documents": "Documents created per calendar month at most; null: no limit here.",
    "api_requests_per_minute": "GraphQL HTTP requests per rate window at most; null: no limit "
    "here.",
}


def limit_values(source: Any) -> dict[str, Any]:
    """The limits sent (KEEP for those not sent); bytes as whole numbers."""
    values = {name: keep(getattr(source, name)) for name in LIMIT_DESCRIPTIONS}
    size = values["max_storage_bytes"]
    if isinstance(size, float):
        values["max_storage_bytes"] = int(size)
    return values
