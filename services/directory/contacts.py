"""A person's e-mail addresses and phone numbers as the portal sends them (SCIM's multi-valued
`emails` and `phoneNumbers`: value, type, primary), and the one of each the rest of Officecloud
uses (`User.email`, `User.phone`): the primary entry, else the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from i18n import _
from services.errors import Code
from services.inputs import Checks

Entry = dict[str, Any]
MAX_ENTRIES = 10


def clean_contacts(
    checks: Checks, items: list[Entry] | None, field: str, value: Callable[[str | None], Any]
) -> list[Entry] | None:
    """The entries with only what is kept (value, type, primary), each value checked by
    `value`; at most one primary (RFC 7643 §2.4). None or empty: no list."""
    if not items:
        return None
    if len(items) > MAX_ENTRIES:
        checks.fail(
            Code.INVALID, _("At most {MAX_ENTRIES} entries", MAX_ENTRIES=MAX_ENTRIES), field
        )
    kept: list[Entry] = []
    for index, item in enumerate(items[:MAX_ENTRIES]):
        entry: Entry = {"value": value(item.get("value"))}
        if not entry["value"]:
            checks.fail(Code.REQUIRED, _("Every entry has a value"), field, str(index))
        kind = checks.optional_text(item.get("type"), field, str(index), "type", max_length=32)
        if kind is not None:
            entry["type"] = kind
        if item.get("primary") is not None:
            entry["primary"] = bool(item["primary"])
        kept.append(entry)
    if sum(1 for e in kept if e.get("primary")) > 1:
        checks.fail(Code.INVALID, _("At most one entry is primary"), field)
    return kept


def primary_value(items: list[Entry] | None) -> Any:
    """The primary entry's value, else the first one's."""
    if not items:
        return None
    return next((e["value"] for e in items if e.get("primary")), items[0]["value"])


def with_primary(items: list[Entry] | None, value: Any) -> list[Entry] | None:
    """The list after the scalar column was set to `value` elsewhere (GraphQL): the primary
    entry takes the new value, or goes when it is cleared."""
    if not items:
        return None
    at = next((i for i, e in enumerate(items) if e.get("primary")), 0)
    if value is None:
        rest = items[:at] + items[at + 1 :]
        return rest or None
    return [{**e, "value": value} if i == at else e for i, e in enumerate(items)]


def contact_list(items: list[Entry] | None, value: Any, kind: str = "work") -> list[Entry]:
    """The entries to show: the stored list, else the scalar as one primary entry."""
    if items:
        return items
    return [{"value": value, "type": kind, "primary": True}] if value else []
