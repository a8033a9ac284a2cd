"""DataLoaders, one set per request, each answering a batch of keys with one SQL statement."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery

from models.access import Actor
from models.base import TenantEntity
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.documents import (
    Attachment,
    Document,
    DocumentTemplate,
    DocumentType,
    Task,
    TaskCandidate,
)
from models.exchange import DispatchRecipient, IncomingAttachment
from models.flows import FlowDefinition, FlowVersion
from models.forms import FormDefinition, FormVersion
from models.scope import TenantScope
from models.tenants import Tenant
from services.documents import access
from services.exchange import partners
from workflow import TaskStatus

M = TypeVar("M", bound=TenantEntity)
T = TypeVar("T")


def by_id(scope: TenantScope | None, model: type[M]) -> DataLoader[uuid.UUID, M | None]:
    async def load(keys: Sequence[uuid.UUID]) -> list[M | None]:
        if scope is None:
            return [None] * len(keys)
        rows = {row.id: row for row in await scope.query(model).filter(id__in=keys)}
        return [rows.get(k) for k in keys]

    return DataLoader(load)


def grouped(
    scope: TenantScope | None, model: type[M], key: str, order: tuple[str, ...], **related: Any
) -> DataLoader[uuid.UUID, list[M]]:
    """All rows whose `key` column equals each requested value, in `order`."""

    async def load(keys: Sequence[uuid.UUID]) -> list[list[M]]:
        if scope is None:
            return [[] for _ in keys]
        query = scope.query(model).filter(**{f"{key}__in": keys}).order_by(*order)
        if related:
            query = query.select_related(*related["select"])
        groups: dict[uuid.UUID, list[M]] = defaultdict(list)
        for row in await query:
            groups[getattr(row, key)].append(row)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load)


async def _tenants(keys: Sequence[uuid.UUID]) -> list[Tenant | None]:
    rows = {t.id: t for t in await Tenant.filter(id__in=keys)}
    return [rows.get(k) for k in keys]


def readable_documents(actor: Actor | None) -> DataLoader[uuid.UUID, Document | None]:
    """Documents by id, None unless the viewer may read them (the one read rule)."""

    async def load(keys: Sequence[uuid.UUID]) -> list[Document | None]:
        if actor is None:
            return [None] * len(keys)
        rows = {d.id: d for d in await access.readable(actor).filter(id__in=keys)}
        return [rows.get(k) for k in keys]

    return DataLoader(load)


def open_tasks_of(
    scope: TenantScope | None, actor: Actor | None
) -> DataLoader[uuid.UUID, list[Task]]:
    """Per document, the open tasks the viewer holds (assigned or as a candidate)."""

    async def load(keys: Sequence[uuid.UUID]) -> list[list[Task]]:
        if scope is None or actor is None:
            return [[] for _ in keys]
        mine = Subquery(scope.query(TaskCandidate).filter(user_id=actor.user_id).values("task_id"))
        rows = await scope.query(Task).filter(
            Q(assignee_id=actor.user_id) | Q(assignee_id=None, id__in=mine),
            document_id__in=keys,
            status=TaskStatus.OPEN,
        )
        groups: dict[uuid.UUID, list[Task]] = defaultdict(list)
        for row in rows:
            groups[row.document_id].append(row)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load)


async def _paired(keys: Sequence[uuid.UUID]) -> list[set[uuid.UUID]]:
    """Per sending tenant, the tenants a platform admin paired it with."""
    return [await partners.paired_with(key) for key in keys]


class Loaders:
    def __init__(self, scope: TenantScope | None, actor: Actor | None = None) -> None:
        self.scope = scope
        self._domains: dict[str, Any] = {}
        self.tenant = DataLoader(_tenants)
        self.form = by_id(scope, FormDefinition)
        self.form_version = by_id(scope, FormVersion)
        self.flow = by_id(scope, FlowDefinition)
        self.flow_version = by_id(scope, FlowVersion)
        self.document_type = by_id(scope, DocumentType)
        self.task = by_id(scope, Task)
        self.document = readable_documents(actor)
        self.my_open_tasks = open_tasks_of(scope, actor)
        self.form_versions = grouped(scope, FormVersion, "form_id", ("number",))
        self.flow_versions = grouped(scope, FlowVersion, "flow_id", ("number",))
        self.document_templates = grouped(
            scope, DocumentTemplate, "document_type_id", ("name", "id")
        )
        self.document_tasks = grouped(scope, Task, "document_id", ("created_at", "id"))
        self.task_candidates = grouped(scope, TaskCandidate, "task_id", ("created_at",))
        self.attachments = grouped(scope, Attachment, "document_id", ("name", "version", "id"))
        self.org_unit = by_id(scope, OrgUnit)
        self.user = by_id(scope, User)
        self.role = by_id(scope, Role)
        self.org_unit_children = grouped(scope, OrgUnit, "parent_id", ("sort_order", "name", "id"))
        self.memberships = grouped(
            scope, Membership, "user_id", ("created_at",), select=("org_unit",)
        )
        self.role_assignments = grouped(
            scope, RoleAssignment, "user_id", ("created_at",), select=("role",)
        )
        self.exchange_paired = DataLoader(_paired)
        self.dispatch_recipients = grouped(scope, DispatchRecipient, "dispatch_id", ("id",))
        self.incoming_attachments = grouped(
            scope, IncomingAttachment, "incoming_id", ("name", "id")
        )

    def domain(self, name: str, make: Callable[[TenantScope | None], T]) -> T:
        """A domain module's own loaders (`make(scope)`), made on first use in this request."""
        if name not in self._domains:
            self._domains[name] = make(self.scope)
        loaders: T = self._domains[name]
        return loaders
