"""A valid component manifest to vary."""

from __future__ import annotations

from typing import Any


def manifest(key: str, version: str = "1.0.0", **changes: Any) -> dict[str, Any]:
    document = {
        "key": key,
        "name": "值班表 Duty roster",
        "version": version,
        "description": "Who is on duty this week.",
        "category": "public_affairs",
        "operation": "query DutyRoster { viewer { user { displayName } } }",
        "settingsSchema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "days": {"type": "integer", "minimum": 1, "maximum": 14},
                "showPhone": {"type": "boolean"},
            },
            "required": ["days"],
            "additionalProperties": False,
        },
        "requiredPermission": None,
        "help": "Shows the duty roster for the next days.",
        "example": {"settings": {"days": 7, "showPhone": True}},
    }
    document.update(changes)
    return document
