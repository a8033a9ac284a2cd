"""Deadlines and reminders as durable rows. Every server process runs `fire_due`; a timer is
claimed with FOR UPDATE SKIP LOCKED, so each fires once however many processes run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import workflow
from models.documents import Timer
from models.scope import across_tenants
from models.tenants import Tenant
from services.documents.runtime import Run
from services.tenants import tenant_system_actor
from services.uow import transaction


async def fire_due(now: datetime | None = None, limit: int = 100) -> int:
    """Fire up to `limit` due timers, each in its own transaction; returns how many fired.
    The timers of one document fire in the order they fall due: one whose document still has
    an earlier one unfired (another worker holds it) is left for later, so a reminder is not
    lost to the deadline that closes its task."""
    now = now or datetime.now(UTC)
    fired = 0
    deferred: list[uuid.UUID] = []
    while fired < limit:
        async with transaction(None) as work:
            due = across_tenants(Timer).filter(due_at__lte=now, fired_at=None)
            if deferred:
                due = due.exclude(id__in=deferred)
            timer = await due.order_by("due_at").select_for_update(skip_locked=True).first()
            if timer is None:
                return fired
            tenant = await Tenant.get(id=timer.tenant_id)
            work.actor = tenant_system_actor(tenant, "timers")
            run = await Run.load(work, work.actor, timer.document_id)
            earlier = run.scope.query(Timer).filter(
                document_id=timer.document_id, fired_at=None, due_at__lt=timer.due_at
            )
            if await earlier.exists():
                deferred.append(timer.id)
                continue
            timer.fired_at = now
            await timer.save(update_fields=["fired_at", "updated_at"])
            instance = workflow.Instance.from_json(run.document.instance or {})
            step = workflow.fire_timer(
                run.flow,
                instance,
                timer.task_key,
                "remind" if timer.kind == "remind" else "deadline",
                now,
                run.document.form_data,
                run.attributes(),
                auto_assign=False,
                env=await run.environment(),
            )
            if step.events:
                await run.apply(step, action=f"timer_{timer.kind}")
            fired += 1
    return fired
