"""Drafting a notice: anyone signed in drafts; its author (or a notices manager) edits it
until it is submitted or published."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from i18n import _
from models.access import Actor
from models.directory import OrgUnit, Role, User
from models.notices import Notice, NoticePriority, NoticeStatus, NoticeTarget
from models.scope import TenantScope
from services.errors import Code, ServiceError, check_version, signed_in
from services.inputs import KEEP, Checks
from services.notices.audience import manages, target_rows
from services.rows import existing, locked
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

EDITABLE = (NoticeStatus.DRAFT, NoticeStatus.REJECTED)
NULLABLE = frozenset({"title", "body", "category", "valid_from", "valid_until"})
"""Fields a null may be sent for (a null title is refused, a null text is empty); a null
elsewhere keeps the value."""
MAX_BODY = 100_000


def _check_text(checks: Checks, values: dict[str, Any]) -> None:
    """Title (required when sent), body and category, trimmed where they are kept so."""
    if "title" in values:
        values["title"] = checks.text(values["title"], "title", max_length=300)
    if "body" in values:
        values["body"] = values["body"] or ""
    if len(values.get("body") or "") > MAX_BODY:
        checks.fail(
            Code.TOO_LONG, _("body is longer than {MAX_BODY} characters", MAX_BODY=MAX_BODY), "body"
        )
    if "category" in values:
        values["category"] = (values["category"] or "").strip()
        if len(values["category"]) > 64:
            checks.fail(Code.TOO_LONG, _("category is longer than 64 characters"), "category")


def _check_period(checks: Checks, since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until <= since:
        checks.fail(Code.INVALID, _("validUntil must be after validFrom"), "validUntil")


async def create_notice(
    actor: Actor | None,
    *,
    title: str,
    body: str = "",
    category: str = "",
    priority: NoticePriority = NoticePriority.NORMAL,
    pinned: bool = False,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    to_everyone: bool = False,
    to_subtenants: bool = False,
    org_unit_ids: list[Any] | None = None,
    role_ids: list[Any] | None = None,
) -> Notice:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    text = {"title": title, "body": body, "category": category}
    with Checks() as checks:
        _check_text(checks, text)
        _check_period(checks, valid_from, valid_until)
        units = await existing(scope, OrgUnit, org_unit_ids, "orgUnitIds", checks)
        roles = await existing(scope, Role, role_ids, "roleIds", checks)
    author = await scope.get(User, actor.user_id)
    unit = await scope.get(OrgUnit, author.primary_org_unit_id) if author else None
    async with transaction(actor) as work:
        notice = await scope.create(
            Notice,
            title=text["title"],
            body=body,
            category=text["category"],
            priority=priority,
            pinned=pinned,
            valid_from=valid_from,
            valid_until=valid_until,
            to_everyone=to_everyone,
            to_subtenants=to_subtenants,
            author_id=author.id if author else None,
            org_unit_id=unit.id if unit else None,
            publisher=unit.name if unit else "",
        )
        await scope.bulk_create(NoticeTarget, target_rows(notice.id, units, roles))
        record(work, actor.tenant_id, notice, "created")
    return notice


async def update_notice(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    expected_version: int | None = None,
    **values: Any,
) -> Notice:
    """Change a draft (or a rejected notice); arguments not sent are `KEEP`."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        notice = await editable(scope, actor, id)
        check_version(notice.version, expected_version)
        sent = {
            k: v for k, v in values.items() if v is not KEEP and (v is not None or k in NULLABLE)
        }
        with Checks() as checks:
            _check_text(checks, sent)
            _check_period(
                checks,
                sent.get("valid_from", notice.valid_from),
                sent.get("valid_until", notice.valid_until),
            )
            units = roles = None
            if "org_unit_ids" in sent:
                units = await existing(
                    scope, OrgUnit, sent.pop("org_unit_ids"), "orgUnitIds", checks
                )
            if "role_ids" in sent:
                roles = await existing(scope, Role, sent.pop("role_ids"), "roleIds", checks)
        for name, value in sent.items():
            setattr(notice, name, value)
        notice.version += 1
        await notice.save()
        await _retarget(scope, notice, units, roles)
        record(work, actor.tenant_id, notice, "updated")
    return notice


async def _retarget(
    scope: TenantScope, notice: Notice, units: list[uuid.UUID] | None, roles: list[uuid.UUID] | None
) -> None:
    if units is None and roles is None:
        return
    current = await scope.query(NoticeTarget).filter(notice_id=notice.id)
    keep_units = units if units is not None else [t.target_id for t in current if t.kind == "unit"]
    keep_roles = roles if roles is not None else [t.target_id for t in current if t.kind == "role"]
    await scope.query(NoticeTarget).filter(notice_id=notice.id).delete()
    await scope.bulk_create(NoticeTarget, target_rows(notice.id, keep_units, keep_roles))


async def editable(scope: TenantScope, actor: Actor, id: Any) -> Notice:
    """The locked notice, if the actor may still change it."""
    notice = await locked(scope, Notice, id, _("Notice"), "id")
    if notice.author_id != actor.user_id and not manages(actor):
        raise ServiceError.of(Code.NOT_FOUND, _("Notice not found"), "id")
    if notice.status not in EDITABLE:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("A {status} notice cannot be changed", status=notice.status.value),
            "id",
        )
    return notice


def record(work: Work, tenant_id: uuid.UUID, notice: Notice, action: str, **data: Any) -> None:
    """The audit entry and the `notice.changed` event of one change."""
    summary = {"title": notice.title, "status": notice.status.value, **data}
    work.audit(tenant_id, f"notice.{action}", "Notice", notice.id, summary)
    work.emit(
        tenant_id,
        Topic.NOTICE_CHANGED,
        {
            "noticeId": global_id("Notice", notice.id),
            "action": action,
            "status": notice.status.value,
        },
    )
