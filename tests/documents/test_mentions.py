"""@mentions in a comment (意见) through GraphQL on PostgreSQL: who is told (the document's
readers: its initiator, participants and, while it is open, the recipients of a copy, by
username or display name, if active) and in which words; a mention opens no document."""

from __future__ import annotations

from typing import Any

import pytest

from models.directory import User, UserStatus
from models.documents import Document
from models.notifications import Notification, NotificationKind
from models.scope import TenantScope
from tests.circulation.support import circulation_office, submitted
from tests.conftest import GraphQL, key_of
from tests.documents.support import DOC, Office


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    """finance_head, clerk and clerk2 get a copy (抄送) when 核稿 completes."""
    return await circulation_office(gql, make_department)


async def mentions(office: Office) -> list[tuple[str, str, str | None]]:
    """(who, text, link) of every mention notice, by user name."""
    scope = office.department.scope
    names = {u.id: name for name, u in office.users.items()}
    rows = await scope.query(Notification).filter(kind=NotificationKind.MENTIONED)
    return sorted((names[n.user_id], n.text, n.link) for n in rows)


async def rename(scope: TenantScope, user: User, **values: Any) -> None:
    await scope.query(User).filter(id=user.id).update(**values)


async def test_a_mention_tells_the_readers_it_names(office: Office) -> None:
    scope = office.department.scope
    await rename(scope, office.users["finance_head"], display_name="财务处长")
    doc_id = await submitted(office)
    await office.approve("director", doc_id)
    await rename(scope, office.users["clerk2"], status=UserStatus.DISABLED)
    comment = (
        "请@财务处长 @clerk @clerk2 @director @writer 阅知，@outsider @nobody 知悉。" + "长" * 200
    )
    await office.approve("leader", doc_id, comment=comment)
    said = f"leader在《关于年度预算的请示》「签发」的意见中提到了您：{comment[:200]}"
    assert await mentions(office) == [
        (who, said, doc_id) for who in ("clerk", "director", "finance_head", "writer")
    ]


async def test_a_copy_of_a_closed_document_makes_no_reader_of_a_mention(office: Office) -> None:
    doc_id = await submitted(office)
    await office.approve("director", doc_id)
    scope = office.department.scope
    await scope.query(Document).filter(id=key_of(doc_id)).update(secrecy="secret")
    await office.approve("leader", doc_id, comment="@finance_head @writer")
    assert [who for who, _, _ in await mentions(office)] == ["writer"]


async def test_no_mention_no_notice(office: Office) -> None:
    made = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": "请示", "formData": {"amount": 1}},
        DOC,
    )
    doc_id = made["document"]["id"]
    await office.ok("writer", "submitDocument", {"id": doc_id, "comment": "@ 请审核 a@"}, DOC)
    await office.approve("director", doc_id, comment="@outsider 知悉")
    assert await mentions(office) == []
