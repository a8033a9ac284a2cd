"""已阅 and 催阅 called as services: a reader's copies read once (by id or by document), the
sender urging only those who have not read, with the trail, the audit entries and the notices
each leaves, and every refusal's code, field and words."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models.audit import AuditEntry
from models.circulation import Circulation, CirculationRecipient
from models.notifications import Notification
from services import circulation
from services.circulation import Audience
from services.errors import ServiceError
from tests.circulation.support import circulation_office, submitted
from tests.circulation.test_circulation_services import as_, ids, refusal, steps
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import Office


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await circulation_office(gql, make_department)


async def sent_to(office: Office, doc: uuid.UUID, *who: str) -> Circulation:
    return await circulation.circulate(
        await as_(office, "writer"), document_id=doc, audience=Audience(ids(office, *who))
    )


async def copy_of(office: Office, sent: Circulation, who: str) -> CirculationRecipient:
    return await office.department.scope.query(CirculationRecipient).get(
        circulation_id=sent.id, user_id=office.users[who].id
    )


async def notices(office: Office, who: str, kind: str) -> list[tuple[str, str | None]]:
    rows = (
        await office.department.scope.query(Notification)
        .filter(user_id=office.users[who].id, kind=kind)
        .order_by("created_at")
    )
    return [(r.text, r.link) for r in rows]


async def test_all_her_copies_of_a_document_are_read_once(office: Office) -> None:
    doc = key_of(await submitted(office))
    first = await sent_to(office, doc, "hr_head", "legal_head")
    second = await sent_to(office, doc, "hr_head")
    hr = await as_(office, "hr_head")
    rows = await circulation.mark_read(hr, document_id=doc)
    assert [r.circulation_id for r in rows] == [first.id, second.id]
    when = rows[0].read_at
    assert when is not None
    assert rows[1].read_at == when
    stored = [await copy_of(office, c, "hr_head") for c in (first, second)]
    assert [r.read_at for r in stored] == [when, when]
    assert (await copy_of(office, first, "legal_head")).read_at is None, "hers only"
    (step,) = await steps(office, doc, "circulation_read")
    assert (step.actor_id, step.data) == (
        hr.user_id,
        {"circulationIds": sorted([str(first.id), str(second.id)])},
    )
    entries = await office.department.scope.query(AuditEntry).filter(action="circulation.read")
    assert [(e.target_type, e.target_id, e.data, e.actor_id) for e in entries] == [
        (
            "Document",
            str(doc),
            {"circulations": sorted([str(first.id), str(second.id)])},
            hr.user_id,
        )
    ]
    assert entries[0].created_at == when

    again = await circulation.mark_read(hr, id=str(stored[0].id))
    assert [(r.id, r.read_at) for r in again] == [(stored[0].id, when)], "the first time is kept"
    assert len(await steps(office, doc, "circulation_read")) == 1
    legal = await circulation.mark_read(
        await as_(office, "legal_head"), id=(await copy_of(office, first, "legal_head")).id
    )
    assert legal[0].read_at is not None
    assert legal[0].read_at > when
    (_, latest) = await steps(office, doc, "circulation_read")
    assert latest.data == {"circulationIds": [str(first.id)]}


async def test_reading_names_one_copy_or_one_document_of_hers(office: Office) -> None:
    doc = key_of(await submitted(office))
    sent = await sent_to(office, doc, "hr_head")
    hr = await as_(office, "hr_head")
    mine = await copy_of(office, sent, "hr_head")
    for given in ({}, {"id": mine.id, "document_id": doc}):
        with pytest.raises(ServiceError) as either:
            await circulation.mark_read(hr, **given)
        assert refusal(either) == [("INVALID", "Give either id or documentId", ("id",))]
    legal = await as_(office, "legal_head")
    with pytest.raises(ServiceError) as not_hers:
        await circulation.mark_read(legal, id=mine.id)
    assert refusal(not_hers) == [("NOT_FOUND", "Circulation copy not found", ("id",))]
    with pytest.raises(ServiceError) as none_sent:
        await circulation.mark_read(legal, document_id=doc)
    assert refusal(none_sent) == [("NOT_FOUND", "Circulation copy not found", ("documentId",))]
    with pytest.raises(ServiceError) as anonymous:
        await circulation.mark_read(None, id=mine.id)
    assert refusal(anonymous)[0][0] == "UNAUTHENTICATED"
    assert (await copy_of(office, sent, "hr_head")).read_at is None


async def test_the_sender_urges_whoever_has_not_read(office: Office) -> None:
    doc = key_of(await submitted(office))
    sent = await sent_to(office, doc, "hr_head", "legal_head", "clerk")
    await circulation.mark_read(await as_(office, "legal_head"), document_id=doc)
    writer = await as_(office, "writer")
    urged = await circulation.urge(writer, id=str(sent.id))
    assert urged.id == sent.id
    copies = {w: await copy_of(office, sent, w) for w in ("hr_head", "legal_head", "clerk")}
    assert copies["legal_head"].urged_at is None
    when = copies["hr_head"].urged_at
    assert when is not None
    assert copies["clerk"].urged_at == when
    (step,) = await steps(office, doc, "circulation_urged")
    assert (step.actor_id, step.comment, step.data["circulationId"]) == (
        writer.user_id,
        None,
        str(sent.id),
    )
    assert sorted(step.data["users"]) == sorted(str(u) for u in ids(office, "hr_head", "clerk"))
    (entry,) = await office.department.scope.query(AuditEntry).filter(action="circulation.urged")
    assert (entry.target_type, entry.target_id, entry.data, entry.created_at) == (
        "Circulation",
        str(sent.id),
        {"users": 2},
        when,
    )
    title, link = "关于年度预算的请示", gid("Document", doc)
    for who in ("hr_head", "clerk"):
        assert await notices(office, who, "circulation_urged") == [
            (f"催阅：请阅读《{title}》", link)
        ]
    assert await notices(office, "legal_head", "circulation_urged") == []

    await circulation.urge(writer, id=sent.id, comment=" 今天下班前 ")
    assert await notices(office, "clerk", "circulation_urged") == [
        (f"催阅：请阅读《{title}》", link),
        (f"催阅：请阅读《{title}》。留言：今天下班前", link),
    ]
    assert [s.comment for s in await steps(office, doc, "circulation_urged")] == [
        None,
        "今天下班前",
    ]


async def test_only_the_sender_urges_and_only_while_someone_has_not_read(office: Office) -> None:
    doc = key_of(await submitted(office))
    sent = await sent_to(office, doc, "hr_head")
    writer = await as_(office, "writer")
    with pytest.raises(ServiceError) as long_comment:
        await circulation.urge(writer, id=sent.id, comment="x" * 1001)
    assert refusal(long_comment) == [
        ("TOO_LONG", "comment is longer than 1000 characters", ("comment",))
    ]
    await circulation.urge(writer, id=sent.id, comment="x" * 1000)
    with pytest.raises(ServiceError) as nosy:
        await circulation.urge(await as_(office, "hr_head"), id=sent.id)
    assert refusal(nosy) == [("FORBIDDEN", "Only the sender urges a circulation", ("id",))]
    with pytest.raises(ServiceError) as unknown:
        await circulation.urge(writer, id=uuid.uuid4())
    assert refusal(unknown) == [("NOT_FOUND", "Circulation not found", ("id",))]
    await circulation.mark_read(await as_(office, "hr_head"), document_id=doc)
    with pytest.raises(ServiceError) as done:
        await circulation.urge(writer, id=sent.id)
    assert refusal(done) == [("INVALID_STATE", "Everyone has read it already", ("id",))]
    assert len(await steps(office, doc, "circulation_urged")) == 1
