"""Running a document through its flow: one `Run` per use case holds the locked document and
applies what the engine decided (tasks, assignees, numbers, timers, trail, events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import workflow
from i18n import _
from models.access import Actor
from models.documents import (
    Document,
    DocumentStatus,
    DocumentType,
    Task,
    TaskCandidate,
    Timer,
)
from models.flows import FlowVersion
from models.scope import TenantScope
from services import workdays
from services.documents import assignees, copies, delegations, notices, numbers, outcomes
from services.documents.trail import add_participants, participants_of, trail
from services.errors import Code, ServiceError
from services.inputs import parse_id
from services.rows import locked
from services.tenants import SYSTEM_USER_ID
from services.uow import Work
from subscriptions.topics import Topic, global_id, global_ids

STATUS = {
    workflow.InstanceStatus.RUNNING: DocumentStatus.IN_PROGRESS,
    workflow.InstanceStatus.COMPLETED: DocumentStatus.COMPLETED,
    workflow.InstanceStatus.REJECTED: DocumentStatus.REJECTED,
    workflow.InstanceStatus.WITHDRAWN: DocumentStatus.WITHDRAWN,
    workflow.InstanceStatus.TERMINATED: DocumentStatus.TERMINATED,
}
ENDED = frozenset(
    {
        DocumentStatus.COMPLETED,
        DocumentStatus.REJECTED,
        DocumentStatus.WITHDRAWN,
        DocumentStatus.TERMINATED,
    }
)
ENGINE_CODES = {
    "TASK_CLOSED": Code.CONFLICT,
    "NOT_RUNNING": Code.CONFLICT,
    "ALREADY_CLAIMED": Code.CONFLICT,
    "NOT_ASSIGNEE": Code.FORBIDDEN,
    "NOT_INITIATOR": Code.FORBIDDEN,
    "INVALID_TARGET": Code.INVALID,
    "ALREADY_OPENED": Code.CONFLICT,
    "CANNOT_TAKE_BACK": Code.CONFLICT,
    "LAST_SIGNER": Code.LAST_SIGNER,
    "SEPARATION_OF_DUTIES": Code.SEPARATION_OF_DUTIES,
}


def engine_error(error: workflow.EngineError) -> ServiceError:
    """The engine's refusal for people: its message names nodes, never task keys or user ids."""
    return ServiceError.of(ENGINE_CODES.get(error.code, Code.INVALID_STATE), error.message)


def user_key(user_id: uuid.UUID | None) -> str | None:
    return str(user_id) if user_id else None


@dataclass
class Run:
    work: Work
    actor: Actor
    scope: TenantScope
    document: Document
    doc_type: DocumentType
    flow: workflow.FlowDefinition
    flow_id: uuid.UUID
    touched: dict[str, set[str]] = field(default_factory=dict)
    """Users concerned by each task (by its key) changed or notified since the last record."""
    task_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    """Task rows read or written in this run, by key: each is read at most once."""
    participants: set[uuid.UUID] | None = None
    """The document's participants, read on first need."""
    status_before: DocumentStatus = DocumentStatus.DRAFT
    copies: list[copies.Copy] = field(default_factory=list)
    """What nodes' `cc` rules found, sent once the action is in the trail."""
    _env: workflow.Environment | None = None

    @classmethod
    async def load(
        cls, work: Work, actor: Actor, document_id: Any, what: str = "documentId"
    ) -> Run:
        """Lock the document for the rest of the transaction: actions on one document run
        one at a time, and the loser of a race finds the task already closed."""
        scope = TenantScope(actor.tenant_id)
        document = await locked(scope, Document, document_id, _("Document"), what)
        version = await scope.query(FlowVersion).get(id=document.flow_version_id)
        doc_type = await scope.query(DocumentType).get(id=document.document_type_id)
        flow = workflow.load_definition(version.definition)
        return cls(
            work,
            actor,
            scope,
            document,
            doc_type,
            flow,
            version.flow_id,
            status_before=document.status,
        )

    async def environment(self) -> workflow.Environment:
        """What the engine needs besides the instance, read once per use case: the
        out-of-office rules in force for this flow (not the acting user's: she is here) and,
        when a node counts in working time, the tenant's calendar."""
        if self._env is None:
            now = self.work.now
            away = await delegations.in_force(self.scope, self.flow_id, now)
            away.pop(self.actor_key, None)
            calendar = workflow.WorkCalendar()
            if any(n.deadline and n.deadline.hours is None for n in self.flow.nodes if n.is_wait):
                calendar = await workdays.calendar_for(self.actor.tenant_id, now)
            self._env = workflow.Environment(calendar=calendar, delegations=away)
        return self._env

    @property
    def actor_key(self) -> str:
        return str(self.actor.user_id)

    @property
    def actor_user_id(self) -> uuid.UUID | None:
        return None if self.actor.user_id == SYSTEM_USER_ID else self.actor.user_id

    @property
    def instance(self) -> workflow.Instance:
        if self.document.instance is None:
            raise ServiceError.of(Code.INVALID_STATE, _("The document has not been submitted"))
        return workflow.Instance.from_json(self.document.instance)

    def attributes(self) -> dict[str, Any]:
        """`doc` in flow conditions."""
        d = self.document
        return {
            "title": d.title,
            "urgency": d.urgency.value,
            "secrecy": d.secrecy.value,
            "initiator": str(d.initiator_id),
            "orgUnit": str(d.org_unit_id),
            "typeCode": self.doc_type.code,
            "number": d.number or "",
            "createdAt": d.created_at.isoformat(),
        }

    def node(self, node_id: str) -> workflow.Node:
        return self.flow.node(node_id)

    async def apply(
        self,
        step: workflow.Step,
        *,
        action: str,
        comment: str | None = None,
        changes: dict[str, Any] | None = None,
        task: Task | None = None,
    ) -> None:
        """Apply a step and the assignments it asks for, then record the action once. A flow
        that ends by approving a node marked `archives` files the document at once."""
        engine_events = list(step.events)
        archives = False
        pending = [step]
        while pending:
            current = pending.pop(0)
            await self._effects(current)
            archives = archives or any(
                c.outcome == "approved" and self.node(c.node_id).archives
                for c in current.completed_nodes
            )
            instance = current.instance
            for activation in current.activations:
                users = await assignees.resolve(
                    self.scope, self.flow, self.document, instance, activation
                )
                try:
                    assigned = workflow.assign(
                        self.flow,
                        instance,
                        activation.id,
                        users,
                        now=self.work.now,
                        env=await self.environment(),
                    )
                except workflow.EngineError as error:
                    raise engine_error(error) from error
                instance = assigned.instance
                engine_events += assigned.events
                pending.append(assigned)
            self.document.instance = instance.to_dict()
        final = workflow.Instance.from_json(self.document.instance or {})
        self.document.status = STATUS[final.status]
        if final.is_terminal and self.document.completed_at is None:
            self.document.completed_at = self.work.now
        await self.save(
            action,
            comment=comment,
            changes=changes,
            task=task,
            data={"engine": [_event(e) for e in engine_events]},
        )
        if archives and self.document.status == DocumentStatus.COMPLETED:
            await self.archive(task)

    async def archive(self, task: Task | None = None) -> None:
        """归档: file a completed document (trail, audit and event `archived`)."""
        self.document.status = DocumentStatus.ARCHIVED
        self.document.archived_at = self.work.now
        await self.save("archived", task=task)

    async def save(
        self,
        action: str,
        *,
        comment: str | None = None,
        changes: dict[str, Any] | None = None,
        task: Task | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Persist the document and record the action in the trail, the audit log and the
        outbox, all in the caller's transaction."""
        document = self.document
        document.version += 1
        await document.save()
        await trail(
            self.scope,
            document,
            action,
            actor_id=self.actor_user_id,
            node_id=task.node_id if task else None,
            node_name=task.node_name if task else None,
            task_key=task.key if task else None,
            from_status=self.status_before,
            comment=comment,
            changes=changes,
            data=data,
        )
        tenant = self.actor.tenant_id
        summary: dict[str, Any] = {"title": document.title, "status": document.status.value}
        if changes:
            summary["changed"] = sorted(changes)
        if comment:
            summary["reason"] = comment
            await notices.mentioned(self.work, self.scope, document, comment, task)
        self.work.audit(tenant, f"document.{action}", "Document", document.id, summary)
        if document.status != self.status_before:
            self.work.emit(
                tenant,
                Topic.DOCUMENT_STATUS_CHANGED,
                {
                    "documentId": global_id("Document", document.id),
                    "from": self.status_before.value,
                    "to": document.status.value,
                    "action": action,
                },
            )
        await self._tasks_changed()
        ended = document.status in ENDED and self.status_before not in ENDED
        self.status_before = document.status
        if ended:
            await outcomes.ended(self)
        await copies.send_all(self.work, self.scope, document, self.copies, self.actor_user_id)
        self.copies = []

    async def _tasks_changed(self) -> None:
        """One `task.changed` per task touched since the last record, for its people."""
        unknown = [key for key in self.touched if key not in self.task_ids]
        if unknown:  # notified about a task this step did not change
            self.task_ids.update(
                await self.scope.query(Task)
                .filter(document_id=self.document.id, key__in=unknown)
                .values_list("key", "id")
            )
        for key, users in self.touched.items():
            self.work.emit(
                self.actor.tenant_id,
                Topic.TASK_CHANGED,
                {
                    "taskId": global_id("Task", self.task_ids[key]),
                    "documentId": global_id("Document", self.document.id),
                    "userIds": global_ids("User", sorted(users)),
                },
            )
        self.touched = {}

    async def _effects(self, step: workflow.Step) -> None:
        tasks = {t.id: t for t in [*step.created_tasks, *step.updated_tasks, *step.closed_tasks]}
        created = {t.id for t in step.created_tasks}
        if tasks:
            await self._sync_tasks(list(tasks.values()), created)
        if step.closed_tasks:
            await self._cancel_timers([t.id for t in step.closed_tasks])
        if step.timers:
            await self._set_timers(step.timers, created)
        await notices.task_notes(self.work, self.scope, self.document, self.flow, step)
        self.copies += await copies.copies_of(self.scope, self.flow, self.document, step)
        for note in step.notifications:
            self.work.emit(
                self.actor.tenant_id,
                Topic.TASK_NOTIFIED,
                {
                    "documentId": global_id("Document", self.document.id),
                    "kind": note.kind,
                    "userIds": global_ids("User", note.users),
                    "comment": note.comment,
                },
            )
            self.touched.setdefault(note.task_id, set()).update(note.users)
        if step.allocate_number and self.doc_type.number_pattern and not self.document.number:
            allocated = await numbers.allocate(
                self.scope, self.doc_type, self.document, self.work.now
            )
            await trail(
                self.scope,
                self.document,
                "number_allocated",
                actor_id=self.actor_user_id,
                data={"number": allocated.text},
            )

    async def _cancel_timers(self, task_keys: list[str]) -> None:
        """The reminders and deadlines of closed tasks are moot: delete them. One a timer
        worker holds is left to it (it finds the task closed and marks the timer fired), so
        the two never wait for each other's locks."""
        moot = (
            await self.scope.query(Timer)
            .filter(document_id=self.document.id, task_key__in=task_keys, fired_at=None)
            .select_for_update(skip_locked=True)
        )  # rows, not values_list(): Tortoise drops FOR UPDATE from the latter
        if moot:
            await self.scope.query(Timer).filter(id__in=[t.id for t in moot]).delete()

    async def _set_timers(self, timers: Any, created: set[str]) -> None:
        """A task created in this step has no timers yet: only the others' are read."""
        keys = [t.task_id for t in timers if t.task_id not in created]
        query = self.scope.query(Timer).filter(document_id=self.document.id, task_key__in=keys)
        rows = {(r.task_key, r.kind): r for r in (await query if keys else [])}
        fresh = []
        for timer in timers:
            if row := rows.get((timer.task_id, timer.kind)):
                row.due_at, row.fired_at = timer.at, None
                await row.save()
            else:
                at, key = timer.at, timer.task_id
                fresh.append(Timer(document_id=self.document.id, task_key=key, kind=timer.kind))
                fresh[-1].due_at = at
        if fresh:
            await self.scope.bulk_create(Timer, fresh)

    async def _sync_tasks(self, tasks: list[workflow.Task], created: set[str]) -> None:
        """Task rows follow the engine's tasks. A created task has no row yet (keys are never
        reused), and one this run already read or wrote is not read again."""
        scope, document = self.scope, self.document
        unknown = [t.id for t in tasks if t.id not in self.tasks and t.id not in created]
        if unknown:
            for found in await scope.query(Task).filter(document_id=document.id, key__in=unknown):
                self.tasks[found.key] = found
        rows = self.tasks
        participants: set[str] = set()
        opened: list[workflow.Task] = []
        for task in tasks:
            values = {
                "node_id": task.node_id,
                "node_name": self.node(task.node_id).name,
                "assignee_id": parse_id(task.assignee) if task.assignee else None,
                "pool": task.pool,
                "status": task.status,
                "outcome": task.outcome,
                "acted_by_id": parse_id(task.acted_by) if task.acted_by else None,
                "comment": task.comment,
                "due_at": task.due_at,
                "closed_at": task.closed_at,
                "overdue": task.overdue,
                "opened_at": task.opened_at,
                "delegated_from_id": parse_id(task.delegated_from) if task.delegated_from else None,
            }
            row = rows.get(task.id)
            if row is None:
                opened.append(task)
                row = await scope.create(Task, document_id=document.id, key=task.id, **values)
                rows[task.id] = row
                if task.assignee is None and task.candidates:
                    await scope.bulk_create(
                        TaskCandidate,
                        [TaskCandidate(task_id=row.id, user_id=u) for u in _ids(task.candidates)],
                    )
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                await row.save()
            people = {
                u
                for u in (task.assignee, task.acted_by, task.delegated_from, *task.candidates)
                if u
            }
            participants |= people
            self.touched.setdefault(task.id, set()).update(people)
            self.task_ids[task.id] = row.id
        if self.participants is None:
            self.participants = await participants_of(scope, document)
        await add_participants(scope, document, _ids(participants), self.participants)
        await notices.tasks_opened(self.work, scope, document, self.flow, opened)


def _ids(values: Any) -> list[uuid.UUID]:
    return [k for v in values if (k := parse_id(v)) is not None]


def _event(event: workflow.Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "actor": event.actor,
        "nodeId": event.node_id,
        "taskId": event.task_id,
        **{k: v for k, v in event.data.items() if isinstance(v, str | int | float | bool | list)},
    }
