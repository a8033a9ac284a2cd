"""The per-request context: who asks, in which tenant, and this request's DataLoaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from auth.clients import RateLimiter
from auth.viewer import Viewer
from i18n.catalogues import DEFAULT
from models.access import Actor
from models.scope import TenantScope
from services.documents.attachments import AttachmentPolicy

NOWHERE_SCOPE = TenantScope(uuid.UUID(int=0))


@dataclass(slots=True)
class Context:
    """Slotted: a websocket keeps its context for the connection's life."""

    viewer: Viewer | None
    request_id: str
    request: Any = None
    response: Any = None
    max_page: int = 100
    attachments: AttachmentPolicy | None = None
    dev_mode: bool = False
    """Relaxes outbound-call rules (portal resources may be on loopback)."""
    connection_params: dict[str, Any] | None = None
    """The `connection_init` payload of a websocket."""
    client_address: str = ""
    """The caller's address (`auth.clients.client_address`), for rate limits."""
    limiter: RateLimiter | None = None
    language: str = DEFAULT
    """The language of messages for people (`i18n.catalogues.negotiate`)."""
    loaders: dict[type, Any] = field(init=False, default_factory=dict)
    """This request's DataLoaders by class (`resolvers.dataloaders.Loader`)."""
    scope: TenantScope | None = field(init=False)

    def __post_init__(self) -> None:
        self.scope = TenantScope(self.viewer.tenant.id) if self.viewer else None

    @property
    def actor(self) -> Actor | None:
        return self.viewer.actor if self.viewer else None

    @property
    def tenant_scope(self) -> TenantScope:
        """The viewer's tenant; anonymous callers get a scope that matches nothing."""
        return self.scope or NOWHERE_SCOPE
