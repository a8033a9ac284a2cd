"""Drafting notices, called as services: what is stored, the period and the audience an update
leaves (what is not sent stays), each refusal's code, words and field, and the audit entry and
event of each change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.notices import Notice, NoticePriority, NoticeStatus, NoticeTarget, TargetKind
from server.settings import Settings
from services.inputs import KEEP
from services.notices import create_notice, update_notice
from subscriptions.topics import global_id
from tests.notices.desk import Desk, desk
from tests.notices.trail import audits, events, refusal

UNKNOWN = "00000000-0000-0000-0000-000000000001"
JAN = datetime(2030, 1, 10, tzinfo=UTC)


@pytest.fixture
async def office(database: Settings) -> Desk:
    return await desk()


async def targets(office: Desk, notice: Notice) -> set[tuple[TargetKind, object]]:
    rows = await office.scope.query(NoticeTarget).filter(notice_id=notice.id)
    return {(r.kind, r.target_id) for r in rows}


async def test_a_draft_is_stored_audited_and_announced(office: Desk) -> None:
    clerk = office.people["clerk"]
    unit, role = office.units["办公室"].id, office.editor_role.id
    notice = await create_notice(
        clerk,
        title=" 关于检查的通知 ",
        body=" 正文 ",
        category=" 通知公告 ",
        priority=NoticePriority.URGENT,
        pinned=True,
        valid_from=JAN,
        valid_until=JAN + timedelta(days=1),
        to_everyone=True,
        to_subtenants=True,
        org_unit_ids=[unit],
        role_ids=[str(role)],
    )
    await notice.refresh_from_db()
    assert (notice.title, notice.body, notice.category) == ("关于检查的通知", " 正文 ", "通知公告")
    assert (notice.priority, notice.pinned, notice.to_everyone, notice.to_subtenants) == (
        NoticePriority.URGENT,
        True,
        True,
        True,
    )
    assert (notice.valid_from, notice.valid_until) == (JAN, JAN + timedelta(days=1))
    assert (notice.status, notice.version) == (NoticeStatus.DRAFT, 1)
    assert (notice.author_id, notice.org_unit_id, notice.publisher) == (
        clerk.user_id,
        office.units["财务处"].id,
        "财务处",
    ), "her primary unit publishes it"
    assert await targets(office, notice) == {(TargetKind.UNIT, unit), (TargetKind.ROLE, role)}
    tenant = office.department.tenant.id
    assert await audits(tenant, "notice.") == [
        (
            "notice.created",
            "Notice",
            str(notice.id),
            clerk.user_id,
            {"title": "关于检查的通知", "status": "draft"},
        )
    ]
    assert await events(tenant, "notice.changed") == [
        {"noticeId": global_id("Notice", notice.id), "action": "created", "status": "draft"}
    ]
    plain = await create_notice(clerk, title="通知")
    assert (plain.priority, plain.pinned, plain.to_everyone, plain.to_subtenants) == (
        NoticePriority.NORMAL,
        False,
        False,
        False,
    )
    assert (plain.body, plain.category, plain.valid_from, plain.valid_until) == ("", "", None, None)
    assert await targets(office, plain) == set()


async def test_bad_drafts_are_refused(office: Desk) -> None:
    clerk = office.people["clerk"]
    refused = await refusal(
        create_notice(
            clerk,
            title="t" * 301,
            body="b" * 100_001,
            category="c" * 65,
            valid_from=JAN,
            valid_until=JAN,
            org_unit_ids=[UNKNOWN],
            role_ids=[UNKNOWN],
        )
    )
    assert refused == [
        ("TOO_LONG", "title is longer than 300 characters", ("title",)),
        ("TOO_LONG", "body is longer than 100000 characters", ("body",)),
        ("TOO_LONG", "category is longer than 64 characters", ("category",)),
        ("INVALID", "validUntil must be after validFrom", ("validUntil",)),
        ("NOT_FOUND", "Some of orgUnitIds were not found", ("orgUnitIds",)),
        ("NOT_FOUND", "Some of roleIds were not found", ("roleIds",)),
    ]
    edge = await create_notice(
        clerk,
        title="t" * 300,
        body="b" * 100_000,
        category=" " + "c" * 64 + " ",
        valid_from=JAN,
        valid_until=JAN + timedelta(microseconds=1),
    )
    assert (len(edge.title), len(edge.body), len(edge.category)) == (300, 100_000, 64)
    assert await refusal(create_notice(None, title="x")) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert len(await audits(office.department.tenant.id, "notice.")) == 1


async def test_an_update_keeps_what_is_not_sent(office: Desk) -> None:
    clerk = office.people["clerk"]
    unit, role = office.units["办公室"].id, office.editor_role.id
    notice = await create_notice(
        clerk,
        title="通知",
        body="正文",
        category="公告",
        valid_from=JAN,
        valid_until=JAN + timedelta(days=10),
        org_unit_ids=[unit],
        role_ids=[role],
    )
    kept = await update_notice(clerk, id=notice.id, title=KEEP, pinned=None, body=KEEP)
    await kept.refresh_from_db()
    assert (kept.title, kept.body, kept.category, kept.pinned, kept.version) == (
        "通知",
        "正文",
        "公告",
        False,
        2,
    )
    assert await targets(office, notice) == {(TargetKind.UNIT, unit), (TargetKind.ROLE, role)}
    finance = office.units["财务处"].id
    await update_notice(clerk, id=notice.id, org_unit_ids=[finance])
    assert await targets(office, notice) == {(TargetKind.UNIT, finance), (TargetKind.ROLE, role)}
    await update_notice(clerk, id=notice.id, role_ids=[])
    assert await targets(office, notice) == {(TargetKind.UNIT, finance)}
    await update_notice(clerk, id=notice.id, role_ids=[role], org_unit_ids=[unit, finance])
    assert await targets(office, notice) == {
        (TargetKind.UNIT, unit),
        (TargetKind.UNIT, finance),
        (TargetKind.ROLE, role),
    }
    changed = await update_notice(
        clerk,
        id=notice.id,
        expected_version=5,
        title=" 新通知 ",
        body=None,
        category=" 会议 ",
        priority=NoticePriority.IMPORTANT,
        valid_from=None,
    )
    await changed.refresh_from_db()
    assert (changed.title, changed.body, changed.category, changed.priority) == (
        "新通知",
        "",
        "会议",
        NoticePriority.IMPORTANT,
    )
    assert (changed.valid_from, changed.valid_until, changed.version) == (
        None,
        JAN + timedelta(days=10),
        6,
    )
    tenant = office.department.tenant.id
    entries = await audits(tenant, "notice.updated")
    assert len(entries) == 5
    assert entries[-1] == (
        "notice.updated",
        "Notice",
        str(notice.id),
        clerk.user_id,
        {"title": "新通知", "status": "draft"},
    )
    assert (await events(tenant, "notice.changed"))[-1] == {
        "noticeId": global_id("Notice", notice.id),
        "action": "updated",
        "status": "draft",
    }


async def test_an_update_is_checked_against_the_period_it_leaves(office: Desk) -> None:
    clerk = office.people["clerk"]
    notice = await create_notice(
        clerk, title="通知", valid_from=JAN, valid_until=JAN + timedelta(days=10)
    )
    period = [("INVALID", "validUntil must be after validFrom", ("validUntil",))]
    assert await refusal(update_notice(clerk, id=notice.id, valid_until=JAN)) == period
    later = JAN + timedelta(days=10)
    assert await refusal(update_notice(clerk, id=notice.id, valid_from=later)) == period
    moved = await update_notice(clerk, id=notice.id, valid_from=later - timedelta(seconds=1))
    assert moved.valid_from == later - timedelta(seconds=1)
    opened = await update_notice(clerk, id=notice.id, valid_until=None)
    assert opened.valid_until is None
    refused = await refusal(
        update_notice(
            clerk,
            id=notice.id,
            title=None,
            body="b" * 100_001,
            category="c" * 65,
            org_unit_ids=[UNKNOWN],
            role_ids=[UNKNOWN],
        )
    )
    assert refused == [
        ("REQUIRED", "title must not be empty", ("title",)),
        ("TOO_LONG", "body is longer than 100000 characters", ("body",)),
        ("TOO_LONG", "category is longer than 64 characters", ("category",)),
        ("NOT_FOUND", "Some of orgUnitIds were not found", ("orgUnitIds",)),
        ("NOT_FOUND", "Some of roleIds were not found", ("roleIds",)),
    ]
    await notice.refresh_from_db()
    assert (notice.title, notice.version) == ("通知", 3)


async def test_who_may_change_a_draft(office: Desk) -> None:
    notice = await create_notice(office.people["clerk"], title="通知")
    hidden = [("NOT_FOUND", "Notice not found", ("id",))]
    assert await refusal(update_notice(office.people["accountant"], id=notice.id)) == hidden
    assert await refusal(update_notice(office.people["clerk"], id=UNKNOWN)) == hidden
    by_editor = await update_notice(office.people["editor"], id=notice.id, pinned=True)
    assert by_editor.pinned is True, "notices.publish manages every notice"
    by_admin = await update_notice(office.admin, id=notice.id, expected_version=2, pinned=False)
    assert by_admin.version == 3
    stale = await refusal(update_notice(office.admin, id=notice.id, expected_version=2))
    assert stale == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 3, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    for status in (NoticeStatus.PENDING, NoticeStatus.PUBLISHED, NoticeStatus.REVOKED):
        await office.scope.query(Notice).filter(id=notice.id).update(status=status)
        refused = await refusal(update_notice(office.people["clerk"], id=notice.id))
        assert refused == [("INVALID_STATE", f"A {status.value} notice cannot be changed", ("id",))]
    await office.scope.query(Notice).filter(id=notice.id).update(status=NoticeStatus.REJECTED)
    again = await update_notice(office.people["clerk"], id=notice.id, title="改")
    assert (again.title, again.status) == ("改", NoticeStatus.REJECTED)
