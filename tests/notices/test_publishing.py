"""Publishing and revoking notices, called as services: who may publish at once, the search
entry, copies down the tenant tree (attachments too), revocation of copies, approval that
ends otherwise; and read receipts, reminders and attachments with their audit and events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from models.documents import Document
from models.notices import Notice, NoticeAttachment, NoticeRead, NoticeStatus
from models.notifications import Notification
from models.search import SearchEntry
from models.tenants import TenantStatus
from server.settings import Settings
from services.documents.attachments import AttachmentPolicy
from services.documents.storage import LocalBlobStore, spool
from services.notices import (
    create_notice,
    mark_notice_read,
    publish_notice,
    readable_attachment,
    remind_unread,
    revoke_notice,
    upload_notice_attachment,
)
from subscriptions.topics import global_id
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.notices.desk import Desk, desk
from tests.notices.support import units_office
from tests.notices.trail import audits, events, refusal

UNKNOWN = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def office(database: Settings) -> Desk:
    return await desk()


async def attach(
    office: Desk,
    tmp_path: Path,
    notice: Notice,
    name: str = "附件.pdf",
    who: str = "clerk",
    content_type: str = "Application/PDF; charset=binary",
) -> NoticeAttachment:
    store = LocalBlobStore(tmp_path)
    policy = AttachmentPolicy(store, 1000, frozenset({"application/pdf"}), b"secret")

    async def chunks() -> AsyncIterator[bytes]:
        yield b"%PDF-1.4 notice"

    file = await spool(
        chunks(),
        name=f" {name} ",
        content_type=content_type,
        staging=store.staging(),
        limit=1000,
    )
    return await upload_notice_attachment(
        office.people[who], policy, notice_id=notice.id, file=file
    )


async def test_publishing_at_once_indexes_and_copies_down(office: Desk, tmp_path: Path) -> None:
    below = office.subscriber
    suspended = await new_department(office.department.tenant, name="停用单位")
    await suspended.tenant.filter(id=suspended.tenant.id).update(status=TenantStatus.SUSPENDED)
    editor = office.people["editor"]
    notice = await create_notice(
        editor, title="全市通知", body="正文", category="公告", pinned=True, to_everyone=True
    )
    notice.to_subtenants = True
    await notice.save()
    file = await attach(office, tmp_path, notice, who="editor")
    assert (file.name, file.content_type, file.size) == ("附件.pdf", "application/pdf", 15)
    published = await publish_notice(editor, id=notice.id)
    await published.refresh_from_db()
    assert (published.status, published.version) == (NoticeStatus.PUBLISHED, 2)
    assert published.published_at is not None
    (entry,) = await office.scope.query(SearchEntry).filter(kind="notice", subject_id=notice.id)
    assert (entry.title, entry.content) == ("全市通知", "正文\n公告\n市政府办公室\n附件.pdf")
    tenant = office.department.tenant.id
    assert [a[0] for a in await audits(tenant, "notice.")] == [
        "notice.created",
        "notice.attachment_added",
        "notice.published",
    ]
    assert (await audits(tenant, "notice.attachment_added"))[0][-1] == {
        "title": "全市通知",
        "status": "draft",
        "name": "附件.pdf",
    }
    (copy,) = await below.scope.query(Notice).all()
    assert await suspended.scope.query(Notice).count() == 0
    assert (copy.title, copy.body, copy.category, copy.pinned, copy.status) == (
        "全市通知",
        "正文",
        "公告",
        True,
        NoticeStatus.PUBLISHED,
    )
    assert (copy.to_everyone, copy.publisher, copy.published_at) == (
        True,
        "市政府办公室",
        published.published_at,
    )
    assert (copy.source_tenant_id, copy.source_notice_id) == (tenant, notice.id)
    (copied,) = await below.scope.query(NoticeAttachment).filter(notice_id=copy.id)
    assert (copied.name, copied.content_type, copied.size, copied.sha256) == (
        "附件.pdf",
        "application/pdf",
        15,
        file.sha256,
    )
    (there,) = await below.scope.query(SearchEntry).filter(kind="notice", subject_id=copy.id)
    assert there.content == "正文\n公告\n市政府办公室\n附件.pdf"
    assert await audits(below.tenant.id, "notice.") == [
        (
            "notice.received",
            "Notice",
            str(copy.id),
            editor.user_id,
            {"title": "全市通知", "status": "published", "source": str(tenant)},
        )
    ]
    assert await events(below.tenant.id, "notice.changed") == [
        {"noticeId": global_id("Notice", copy.id), "action": "received", "status": "published"}
    ]

    revoked = await revoke_notice(editor, id=notice.id, reason=" 发错了 ")
    assert (revoked.status, revoked.version) == (NoticeStatus.REVOKED, 3)
    assert revoked.revoked_at is not None
    await copy.refresh_from_db()
    assert (copy.status, copy.version, copy.revoked_at) == (
        NoticeStatus.REVOKED,
        2,
        revoked.revoked_at,
    )
    assert await office.scope.query(SearchEntry).filter(subject_id=notice.id).count() == 0
    assert await below.scope.query(SearchEntry).filter(subject_id=copy.id).count() == 0
    (mine,) = await audits(tenant, "notice.revoked")
    assert mine[-1] == {"title": "全市通知", "status": "revoked", "reason": "发错了"}
    (theirs,) = await audits(below.tenant.id, "notice.revoked")
    assert theirs[2:] == (str(copy.id), editor.user_id, mine[-1])
    refused = await refusal(revoke_notice(editor, id=notice.id))
    assert refused == [("INVALID_STATE", "A revoked notice cannot be revoked", ("id",))]


async def test_who_may_publish_and_revoke(office: Desk) -> None:
    clerk = office.people["clerk"]
    nobody = await create_notice(clerk, title="无对象")
    assert await refusal(publish_notice(office.admin, id=nobody.id)) == [
        ("REQUIRED", "Choose who the notice is for (everyone, units or roles)", ("id",))
    ]
    to_unit = await create_notice(clerk, title="处室通知", org_unit_ids=[office.units["财务处"].id])
    words = (
        "Publishing without approval needs notices.publish; name an approvalDocumentTypeId "
        "to submit it for approval"
    )
    assert await refusal(publish_notice(clerk, id=to_unit.id)) == [
        ("FORBIDDEN", words, ("approvalDocumentTypeId",))
    ]
    assert await refusal(revoke_notice(clerk, id=to_unit.id)) == [
        ("INVALID_STATE", "A draft notice cannot be revoked", ("id",))
    ]
    published = await publish_notice(office.admin, id=to_unit.id)
    assert published.status is NoticeStatus.PUBLISHED
    hidden = [("NOT_FOUND", "Notice not found", ("id",))]
    assert await refusal(revoke_notice(office.people["accountant"], id=to_unit.id)) == hidden
    assert await refusal(revoke_notice(clerk, id=UNKNOWN)) == hidden
    assert await refusal(revoke_notice(clerk, id=to_unit.id, reason="r" * 1001)) == [
        ("TOO_LONG", "reason is longer than 1000 characters", ("reason",))
    ]
    await revoke_notice(clerk, id=to_unit.id)
    (entry,) = await audits(office.department.tenant.id, "notice.revoked")
    assert entry[-1]["reason"] is None


async def test_a_received_copy_is_revoked_alone(office: Desk) -> None:
    notice = await create_notice(
        office.admin, title="全市通知", to_everyone=True, to_subtenants=True
    )
    await publish_notice(office.admin, id=notice.id)
    below = office.subscriber
    copy = await below.scope.query(Notice).get()
    await revoke_notice(below.actor, id=copy.id)
    await notice.refresh_from_db()
    assert (notice.status, copy.source_notice_id) == (NoticeStatus.PUBLISHED, notice.id)


async def test_receipts_and_reminders(office: Desk) -> None:
    clerk, accountant = office.people["clerk"], office.people["accountant"]
    notice = await create_notice(
        office.admin, title="处室通知", org_unit_ids=[office.units["财务处"].id]
    )
    hidden = [("NOT_FOUND", "Notice not found", ("id",))]
    assert await refusal(mark_notice_read(accountant, id=notice.id)) == hidden, "a draft"
    assert await refusal(remind_unread(office.admin, id=notice.id)) == [
        ("INVALID_STATE", "Only a published notice is read", ("id",))
    ]
    await publish_notice(office.admin, id=notice.id)
    assert await refusal(mark_notice_read(office.people["loner"], id=notice.id)) == hidden
    assert await refusal(mark_notice_read(clerk, id="no id")) == hidden
    assert await refusal(remind_unread(clerk, id=notice.id)) == hidden, "not hers"
    read = await mark_notice_read(accountant, id=str(notice.id))
    again = await mark_notice_read(accountant, id=notice.id)
    assert read.id == again.id == notice.id
    reads = await office.scope.query(NoticeRead).filter(notice_id=notice.id)
    assert [r.user_id for r in reads] == [accountant.user_id]
    tenant = office.department.tenant.id
    assert await audits(tenant, "notice.read") == [
        ("notice.read", "Notice", str(notice.id), accountant.user_id, {"title": "处室通知"})
    ]
    assert await events(tenant, "notice.read") == [
        {
            "noticeId": global_id("Notice", notice.id),
            "userId": global_id("User", accountant.user_id),
        }
    ]
    reminded = await remind_unread(office.admin, id=notice.id)
    assert reminded == [clerk.user_id]
    told = await office.scope.query(Notification).filter(user_id=clerk.user_id)
    assert [(n.kind.value, n.text, n.link) for n in told] == [
        ("notice_reminder", "请阅读通知公告「处室通知」", global_id("Notice", notice.id))
    ]
    assert await events(tenant, "notice.reminded") == [
        {
            "noticeId": global_id("Notice", notice.id),
            "title": "处室通知",
            "userIds": [global_id("User", clerk.user_id)],
        }
    ]
    await mark_notice_read(clerk, id=notice.id)
    assert await remind_unread(office.admin, id=notice.id) == []
    assert len(await events(tenant, "notice.reminded")) == 1, "nobody left to remind"
    entries = await audits(tenant, "notice.reminded")
    assert [e[-1]["unread"] for e in entries] == [1, 0]
    assert entries[0][:4] == ("notice.reminded", "Notice", str(notice.id), office.admin.user_id)


async def test_attachments_of_a_draft(office: Desk, tmp_path: Path) -> None:
    notice = await create_notice(office.people["clerk"], title="通知", to_everyone=True)
    file = await attach(office, tmp_path, notice)
    assert (file.uploaded_by_id, file.notice_id) == (office.people["clerk"].user_id, notice.id)
    assert (tmp_path / "tmp").exists()
    assert await readable_attachment(office.people["accountant"], file.id) is None, "a draft"
    assert await readable_attachment(office.people["clerk"], file.id) == file, "her own"
    assert await readable_attachment(office.people["clerk"], UNKNOWN) is None
    await publish_notice(office.admin, id=notice.id)
    assert await readable_attachment(office.people["accountant"], file.id) == file
    assert await refusal(attach(office, tmp_path, notice)) == [
        ("INVALID_STATE", "A published notice cannot be changed", ("id",))
    ]
    draft = await create_notice(office.people["clerk"], title="草稿")
    refused = await refusal(attach(office, tmp_path, draft, "a.pdf", content_type="text/plain"))
    assert refused == [
        ("INVALID", "Files of type text/plain are not accepted", ("file",)),
        ("INVALID", "The name says application/pdf but the file was sent as text/plain", ("file",)),
    ]
    assert await office.scope.query(NoticeAttachment).filter(notice_id=draft.id).count() == 0
    assert list((tmp_path / "tmp").iterdir()) == [], "the upload is discarded either way"


async def test_an_approval_ended_otherwise_sends_it_back(
    gql: GraphQL, make_department: Any
) -> None:
    units = await units_office(gql, await make_department())
    department = units.office.department
    notice = await create_notice(department.actor, title="待批通知", to_everyone=True)
    submitted = await publish_notice(
        department.actor, id=notice.id, approval_document_type_id=key_of(units.office.type_id)
    )
    assert (submitted.status, submitted.version) == (NoticeStatus.PENDING, 2)
    document = await Document.get(id=submitted.approval_document_id)
    assert (document.title, document.form_data["body"]) == ("待批通知", "待批通知")
    (entry,) = await audits(department.tenant.id, "notice.submitted")
    assert entry[-1] == {"title": "待批通知", "status": "pending", "document": str(document.id)}
    await units.office.ok(
        "admin", "terminateDocument", {"id": gid("Document", document.id)}, "document { id } "
    )
    await notice.refresh_from_db()
    assert (notice.status, notice.version) == (NoticeStatus.REJECTED, 3)
    (rejected,) = await audits(department.tenant.id, "notice.rejected")
    assert rejected[-1] == {"title": "待批通知", "status": "rejected", "outcome": "terminated"}
