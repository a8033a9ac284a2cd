"""The event value carried by the bus and replayed from the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from models.outbox import OutboxEvent


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    tenant_id: uuid.UUID
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    prev: int | None = None
    """Id of the tenant's event committed just before this one (0: none), when the writer knew
    it. Lets a process put live events in order without asking the database (hub.py)."""

    @classmethod
    def from_row(cls, row: OutboxEvent, prev: int | None = None) -> Event:
        return cls(row.id, row.tenant_id, row.topic, row.payload, row.created_at, prev)

    def dumps(self) -> bytes:
        return orjson.dumps(
            {
                "id": self.id,
                "tenant_id": str(self.tenant_id),
                "topic": self.topic,
                "payload": self.payload,
                "created_at": self.created_at.isoformat(),
                "prev": self.prev,
            }
        )

    @classmethod
    def loads(cls, raw: bytes | str) -> Event:
        data = orjson.loads(raw)
        return cls(
            data["id"],
            uuid.UUID(data["tenant_id"]),
            data["topic"],
            data["payload"],
            datetime.fromisoformat(data["created_at"]),
            data.get("prev"),
        )
