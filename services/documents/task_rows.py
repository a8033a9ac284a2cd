"""The rows that follow the engine's tasks in a `Run`: tasks (each read at most once per run),
their candidates and timers."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import workflow
from models.documents import Task, TaskCandidate, Timer
from services.documents import notices
from services.documents.trail import add_participants, participants_of
from services.inputs import parse_id

if TYPE_CHECKING:
    from services.documents.runtime import Run


async def cancel_timers(run: Run, task_keys: list[str]) -> None:
    """The reminders and deadlines of closed tasks are moot: delete them. One a timer
    worker holds is left to it (it finds the task closed and marks the timer fired), so
    the two never wait for each other's locks."""
    moot = (
        await run.scope.query(Timer)
        .filter(document_id=run.document.id, task_key__in=task_keys, fired_at=None)
        .select_for_update(skip_locked=True)
    )  # rows, not values_list(): Tortoise drops FOR UPDATE from the latter
    if moot:
        await run.scope.query(Timer).filter(id__in=[t.id for t in moot]).delete()


async def set_timers(run: Run, timers: Any, created: set[str]) -> None:
    """A task created in this step has no timers yet: only the others' are read."""
    keys = [t.task_id for t in timers if t.task_id not in created]
    query = run.scope.query(Timer).filter(document_id=run.document.id, task_key__in=keys)
    rows = {(r.task_key, r.kind): r for r in (await query if keys else [])}
    fresh = []
    for timer in timers:
        if row := rows.get((timer.task_id, timer.kind)):
            row.due_at, row.fired_at = timer.at, None
            await row.save()
        else:
            at, key = timer.at, timer.task_id
            fresh.append(Timer(document_id=run.document.id, task_key=key, kind=timer.kind))
            fresh[-1].due_at = at
    if fresh:
        await run.scope.bulk_create(Timer, fresh)


async def sync_tasks(run: Run, tasks: list[workflow.Task], created: set[str]) -> None:
    """Task rows follow the engine's tasks. A created task has no row yet (keys are never
    reused), and one this run already read or wrote is not read again."""
    scope, document = run.scope, run.document
    unknown = [t.id for t in tasks if t.id not in run.tasks and t.id not in created]
    if unknown:
        for found in await scope.query(Task).filter(document_id=document.id, key__in=unknown):
            run.tasks[found.key] = found
    rows = run.tasks
    participants: set[str] = set()
    opened: list[workflow.Task] = []
    for task in tasks:
        values = {
            "node_id": task.node_id,
            "node_name": run.node(task.node_id).name,
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
            u for u in (task.assignee, task.acted_by, task.delegated_from, *task.candidates) if u
        }
        participants |= people
        run.touched.setdefault(task.id, set()).update(people)
        run.task_ids[task.id] = row.id
    if run.participants is None:
        run.participants = await participants_of(scope, document)
    await add_participants(scope, document, _ids(participants), run.participants)
    await notices.tasks_opened(run.work, scope, document, run.flow, opened)


def _ids(values: Any) -> list[uuid.UUID]:
    return [k for v in values if (k := parse_id(v)) is not None]
