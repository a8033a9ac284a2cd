"""Viewers reused per bearer token for a few seconds: loading one costs a token check and five
queries (tenant, user, revocation, role assignments, unit paths and memberships, access rules),
about a fifth of an inbox request.

Freshness comes from invalidation, not from the time limit: every process drops the entries
of a tenant on the events that can end or change anyone's access there (a user disabled,
deleted or changed, roles and their assignments, org units moved or archived, the tenant's
status, the portal access rules) and a user's entries on a revocation (back-channel logout),
each the moment its process hears of it (`server/app.py` wires the bus and the committing
process). A viewer loaded while such a change commits is not kept: `begin()` takes the
invalidation count before the directory is read and `put()` refuses when it moved since.
The time limit bounds what a lost bus message could leave, and the token's own `exp` ends
an entry earlier.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from auth.viewer import Viewer


@dataclass(frozen=True, slots=True)
class _Entry:
    viewer: Viewer
    until: float


class ViewerCache:
    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._changes = 0

    @staticmethod
    def key(token: str) -> bytes:
        return hashlib.sha256(token.encode()).digest()

    def get(self, token: str) -> Viewer | None:
        if self.seconds <= 0:
            return None
        key = self.key(token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.until <= time.monotonic() or _expired(entry.viewer):
            del self._entries[key]
            return None
        return entry.viewer

    def begin(self) -> int:
        """The invalidation count to hand to `put` once the viewer is loaded."""
        return self._changes

    def put(self, token: str, viewer: Viewer, begun: int) -> None:
        if self.seconds <= 0 or begun != self._changes or viewer.session_id is not None:
            return
        self._entries[self.key(token)] = _Entry(viewer, time.monotonic() + self.seconds)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget_tenant(self, tenant_id: uuid.UUID) -> None:
        self._changes += 1
        for key in [k for k, e in self._entries.items() if e.viewer.tenant.id == tenant_id]:
            del self._entries[key]

    def forget_user(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._changes += 1
        for key in [
            k
            for k, e in self._entries.items()
            if e.viewer.tenant.id == tenant_id and e.viewer.user.id == user_id
        ]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)


def _expired(viewer: Viewer) -> bool:
    exp = viewer.expires_at
    return exp is not None and exp <= time.time()
