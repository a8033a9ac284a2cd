"""Versioned definitions (forms, flows): a definition has at most one draft, edited freely and
frozen into the next numbered version when published; a running document keeps the version it
started with. Forms and flows each describe their rows with a `Versioned` and share this
lifecycle; what makes a draft publishable is theirs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from i18n import _
from models.access import Actor
from models.flows import FlowDefinition, FlowVersion
from models.forms import FormDefinition, FormVersion, VersionStatus
from models.scope import TenantScope
from services.errors import Code, ServiceError
from services.inputs import apply_changes
from services.rows import locked
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

D = TypeVar("D", FormDefinition, FlowDefinition)
V = TypeVar("V", FormVersion, FlowVersion)


@dataclass(frozen=True)
class Versioned(Generic[D, V]):
    """One kind of versioned definition: its rows, and the names its audit entries, events and
    errors use."""

    noun: str
    """`form`: audit actions `form.created`, event payload `formId`, messages."""
    kind: str
    """`Form`: the global-id type, and what NOT_FOUND names."""
    definition: type[D]
    version: type[V]
    owner: str
    """The version's foreign key to its definition: `form_id`."""
    topic: Topic
    content: tuple[str, ...]
    """Version fields a new draft copies from the newest version."""
    blank: dict[str, Any]
    """Their values when there is no version to copy."""

    async def create(
        self,
        work: Work,
        scope: TenantScope,
        key: str,
        fields: dict[str, Any],
        first: dict[str, Any],
    ) -> tuple[D, V]:
        """The definition and its first draft, in the caller's transaction."""
        if await scope.query(self.definition).filter(key=key).exists():
            raise ServiceError.of(
                Code.DUPLICATE, _("The {noun} key '{key}' is taken", noun=self.noun, key=key), "key"
            )
        row = await scope.create(self.definition, key=key, **fields)
        version = await scope.create(self.version, **{self.owner: row.id}, number=1, **first)
        work.audit(scope.tenant_id, f"{self.noun}.created", self._type, row.id, {"key": key})
        return row, version

    async def update_draft(
        self, actor: Actor, id: Any, fields: dict[str, Any], content: dict[str, Any]
    ) -> tuple[D, V]:
        """Change the definition's own fields (`KEEP` leaves one as it is) and its draft."""
        scope = TenantScope(actor.tenant_id)
        async with transaction(actor) as work:
            row = await locked(scope, self.definition, id, self.kind, "id")
            changes = apply_changes(row, **fields)
            if changes:
                await row.save()
            draft = await self.draft_of(scope, row)
            changes |= apply_changes(draft, **content)
            await draft.save()
            data = {"version": draft.number, "changed": sorted(changes)}
            work.audit(actor.tenant_id, f"{self.noun}.draft_updated", self._type, row.id, data)
        return row, draft

    async def publish(
        self, actor: Actor, id: Any, check: Callable[[TenantScope, D, V], Awaitable[dict[str, Any]]]
    ) -> tuple[D, V]:
        """Freeze the draft once `check` accepts it (it raises the problems otherwise, and may
        complete the draft); what it returns goes into the audit entry."""
        scope = TenantScope(actor.tenant_id)
        async with transaction(actor) as work:
            row = await locked(scope, self.definition, id, self.kind, "id")
            draft = (
                await scope.query(self.version)
                .filter(**{self.owner: row.id}, status=VersionStatus.DRAFT)
                .get_or_none()
            )
            if draft is None:
                raise ServiceError.of(
                    Code.INVALID_STATE,
                    _("The {noun} has no draft to publish", noun=self.noun),
                    "id",
                )
            data = await check(scope, row, draft)
            draft.status = VersionStatus.PUBLISHED
            draft.published_at = work.now
            draft.published_by_id = actor.user_id
            await draft.save()
            row.latest_published = draft.number
            await row.save()
            data = {"version": draft.number, **data}
            work.audit(actor.tenant_id, f"{self.noun}.published", self._type, row.id, data)
            work.emit(
                actor.tenant_id,
                self.topic,
                {f"{self.noun}Id": global_id(self.kind, row.id), "version": draft.number},
            )
        return row, draft

    async def current(self, scope: TenantScope, row: D) -> V | None:
        """The version new work starts with: the newest published one (None before the first)."""
        return (
            await scope.query(self.version)
            .filter(
                **{self.owner: row.id},
                number=row.latest_published,
                status=VersionStatus.PUBLISHED,
            )
            .get_or_none()
        )

    async def draft_of(self, scope: TenantScope, row: D) -> V:
        """The definition's draft, started from its newest version when there is none."""
        versions = scope.query(self.version).filter(**{self.owner: row.id})
        draft = await versions.filter(status=VersionStatus.DRAFT).get_or_none()
        if draft:
            return draft
        latest = await versions.order_by("-number").first()
        content = {f: getattr(latest, f) for f in self.content} if latest else self.blank
        return await scope.create(
            self.version,
            **{self.owner: row.id},
            number=(latest.number + 1) if latest else 1,
            **content,
        )

    @property
    def _type(self) -> str:
        return self.definition.__name__
