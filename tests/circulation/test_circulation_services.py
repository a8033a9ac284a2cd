"""传阅 / 转阅 / 已阅 / 催阅 called as services: whom an audience reaches and in what order, each
refusal's code, field and words, and what each step leaves: read and urge times, the trail's
data, the audit entries and the notices."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor, DataScope
from models.audit import AuditEntry
from models.circulation import Circulation, CirculationRecipient
from models.directory import OrgUnit, UserStatus
from models.documents import DocumentEvent
from services import circulation, directory
from services.circulation import Audience
from services.errors import ServiceError
from tests.circulation.support import circulation_office, submitted
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import DOC, Office


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await circulation_office(gql, make_department)


async def as_(office: Office, who: str) -> Actor:
    return await actor_for(office.department.scope, office.users[who], office.department.tenant)


def ids(office: Office, *who: str) -> list[uuid.UUID]:
    return [office.users[w].id for w in who]


def refusal(error: pytest.ExceptionInfo[ServiceError]) -> list[tuple[str, str, Any]]:
    return [(p.code.value, p.message, p.field) for p in error.value.problems]


async def steps(office: Office, document: uuid.UUID, action: str) -> list[DocumentEvent]:
    return (
        await office.department.scope.query(DocumentEvent)
        .filter(document_id=document, action=action)
        .order_by("seq")
    )


async def audited(office: Office, action: str) -> list[AuditEntry]:
    return await office.department.scope.query(AuditEntry).filter(action=action).order_by("seq")


async def recipients(office: Office, sent: Circulation) -> list[uuid.UUID]:
    rows = await office.department.scope.query(CirculationRecipient).filter(circulation_id=sent.id)
    return [r.user_id for r in rows]


async def test_an_audience_is_everyone_named_once_but_the_sender(office: Office) -> None:
    doc = key_of(await submitted(office))
    writer = await as_(office, "writer")
    sent = await circulation.circulate(
        writer,
        document_id=doc,
        audience=Audience(user_ids=[*ids(office, "hr_head", "writer", "legal_head", "hr_head")]),
    )
    assert sorted(await recipients(office, sent)) == sorted(ids(office, "hr_head", "legal_head"))
    stored = await office.department.scope.query(Circulation).get(id=sent.id)
    assert (stored.note, stored.allow_pass_on, stored.sender_id) == ("", True, writer.user_id)
    (step,) = await steps(office, doc, "circulated")
    assert step.data["recipients"] == [str(u) for u in ids(office, "hr_head", "legal_head")]

    with pytest.raises(ServiceError) as alone:
        await circulation.circulate(
            writer, document_id=doc, audience=Audience(user_ids=[str(writer.user_id)])
        )
    assert refusal(alone) == [("REQUIRED", "Name at least one other person", ("userIds",))]
    with pytest.raises(ServiceError) as nobody:
        await circulation.circulate(writer, document_id=doc, audience=Audience())
    assert refusal(nobody)[0][0] == "REQUIRED"
    with pytest.raises(ServiceError) as malformed:
        await circulation.circulate(
            writer, document_id=doc, audience=Audience(user_ids=[office.id("hr_head")])
        )
    assert refusal(malformed) == [("NOT_FOUND", "User not found", ("userIds",))]


async def test_at_most_500_people_per_circulation(office: Office) -> None:
    doc = key_of(await submitted(office))
    writer = await as_(office, "writer")
    strangers = [uuid.uuid4() for _ in range(501)]
    with pytest.raises(ServiceError) as many:
        await circulation.circulate(writer, document_id=doc, audience=Audience(user_ids=strangers))
    assert refusal(many) == [("INVALID", "At most 500 people per circulation", ("userIds",))]
    with pytest.raises(ServiceError) as unknown:
        await circulation.circulate(
            writer, document_id=doc, audience=Audience(user_ids=strangers[:500])
        )
    ((code, message, field),) = refusal(unknown)
    assert (code, field) == ("CANNOT_READ", ("userIds",)), "500 are not too many"
    assert message.startswith(
        "These recipients may not read the document: "
        + ", ".join(gid("User", u) for u in strangers[:3])
    )


async def test_who_may_not_read_is_named_in_order(office: Office) -> None:
    doc = key_of(await submitted(office))
    actor = office.department.actor
    await directory.update_user(actor, id=office.users["legal_head"].id, display_name="法规处长")
    for who in ("legal_head", "hr_head"):
        await directory.update_user(actor, id=office.users[who].id, status=UserStatus.DISABLED)
    stranger = uuid.uuid4()
    with pytest.raises(ServiceError) as refused:
        await circulation.circulate(
            await as_(office, "writer"),
            document_id=doc,
            audience=Audience(user_ids=[*ids(office, "hr_head", "clerk", "legal_head"), stranger]),
        )
    names = f"hr_head, 法规处长, {gid('User', stranger)}"
    assert refusal(refused) == [
        ("CANNOT_READ", f"These recipients may not read the document: {names}", ("userIds",))
    ]
    assert await office.department.scope.query(Circulation).filter(document_id=doc).count() == 0


async def test_units_and_roles_reach_their_active_people_in_order(office: Office) -> None:
    doc = key_of(await submitted(office))
    actor, scope = office.department.actor, office.department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    unit = await directory.create_org_unit(actor, name="综合科", parent_id=root.id)
    other = await directory.create_org_unit(actor, name="空科室", parent_id=root.id)
    for name in ("member_b", "member_a", "member_gone"):
        office.users[name] = await directory.create_user(
            actor, username=name, display_name=name, org_unit_ids=[root.id, unit.id]
        )
    await directory.update_user(
        actor, id=office.users["member_gone"].id, status=UserStatus.DISABLED
    )
    role = await directory.create_role(
        actor, code="readers", name="读者", permissions=[], data_scope=DataScope.SELF
    )
    for name in ("legal_head", "member_a", "member_gone", "hr_head"):
        await directory.assign_role(actor, user_id=office.users[name].id, role_id=role.id)
    sent = await circulation.circulate(
        await as_(office, "writer"),
        document_id=doc,
        audience=Audience(
            user_ids=[office.users["clerk"].id],
            org_unit_ids=[str(unit.id), other.id],
            role_ids=[str(role.id)],
        ),
    )
    (step,) = await steps(office, doc, "circulated")
    assert step.data["recipients"] == [
        str(u) for u in ids(office, "clerk", "member_b", "member_a", "legal_head", "hr_head")
    ]
    assert len(await recipients(office, sent)) == 5

    writer = await as_(office, "writer")
    for audience, what, field in (
        (Audience(org_unit_ids=[uuid.uuid4()]), "Org unit", "orgUnitIds"),
        (Audience(org_unit_ids=[unit.id, "x"]), "Org unit", "orgUnitIds"),
        (Audience(role_ids=[role.id, uuid.uuid4()]), "Role", "roleIds"),
        (Audience(role_ids=["Um9sZTox"]), "Role", "roleIds"),
    ):
        with pytest.raises(ServiceError) as missing:
            await circulation.circulate(writer, document_id=doc, audience=audience)
        assert refusal(missing) == [("NOT_FOUND", f"{what} not found", (field,))]


async def test_circulating_is_for_readers_of_a_submitted_document(office: Office) -> None:
    doc = key_of(await submitted(office))
    writer = await as_(office, "writer")
    to = Audience(user_ids=ids(office, "hr_head"))
    with pytest.raises(ServiceError) as long_note:
        await circulation.circulate(writer, document_id=doc, audience=to, note="字" * 2001)
    assert refusal(long_note) == [("TOO_LONG", "note is longer than 2000 characters", ("note",))]
    with pytest.raises(ServiceError) as outsider:
        await circulation.circulate(await as_(office, "outsider"), document_id=doc, audience=to)
    assert refusal(outsider) == [("NOT_FOUND", "Document not found", ("documentId",))]
    with pytest.raises(ServiceError) as nowhere:
        await circulation.circulate(writer, document_id="nothing", audience=to)
    assert refusal(nowhere) == [("NOT_FOUND", "Document not found", ("documentId",))]
    draft = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": "草稿", "formData": {"amount": 1}},
        DOC,
    )
    with pytest.raises(ServiceError) as unsent:
        await circulation.circulate(
            writer, document_id=key_of(draft["document"]["id"]), audience=to
        )
    assert refusal(unsent) == [
        ("INVALID_STATE", "A draft cannot be circulated; submit it first", ("documentId",))
    ]
    longest = "字" * 2000
    sent = await circulation.circulate(
        writer, document_id=doc, audience=to, note=f" {longest} ", allow_pass_on=False
    )
    stored = await office.department.scope.query(Circulation).get(id=sent.id)
    assert (stored.note, stored.allow_pass_on, stored.source) == (longest, False, "manual")
    with pytest.raises(ServiceError) as copy_only:
        await circulation.circulate(
            await as_(office, "hr_head"), document_id=doc, audience=Audience(ids(office, "clerk"))
        )
    assert refusal(copy_only) == [
        (
            "FORBIDDEN",
            "This document was circulated to you: pass it on (转阅) instead",
            ("documentId",),
        )
    ]


async def test_a_copy_is_passed_on_by_its_reader_only(office: Office) -> None:
    doc = key_of(await submitted(office))
    sent = await circulation.circulate(
        await as_(office, "writer"), document_id=doc, audience=Audience(ids(office, "hr_head"))
    )
    scope = office.department.scope
    mine = await scope.query(CirculationRecipient).get(circulation_id=sent.id)
    with pytest.raises(ServiceError) as not_hers:
        await circulation.pass_on(
            await as_(office, "legal_head"), id=mine.id, audience=Audience(ids(office, "clerk"))
        )
    assert refusal(not_hers) == [("NOT_FOUND", "Circulation copy not found", ("id",))]
    hr = await as_(office, "hr_head")
    with pytest.raises(ServiceError) as long_note:
        await circulation.pass_on(
            hr, id=mine.id, audience=Audience(ids(office, "clerk")), note="x" * 2001
        )
    assert refusal(long_note)[0][:2] == ("TOO_LONG", "note is longer than 2000 characters")
    passed = await circulation.pass_on(
        hr, id=str(mine.id), audience=Audience(ids(office, "clerk")), note=" 供参考 "
    )
    stored = await scope.query(Circulation).get(id=passed.id)
    assert (stored.source, stored.parent_id, stored.note, stored.sender_id) == (
        "pass_on",
        sent.id,
        "供参考",
        hr.user_id,
    )
    read = (await scope.query(CirculationRecipient).get(id=mine.id)).read_at
    assert read is not None, "passing it on reads her copy"
    await circulation.pass_on(hr, id=mine.id, audience=Audience(ids(office, "legal_head")))
    assert (await scope.query(CirculationRecipient).get(id=mine.id)).read_at == read

    closed = await circulation.circulate(
        await as_(office, "writer"),
        document_id=doc,
        audience=Audience(ids(office, "finance_head")),
        allow_pass_on=False,
    )
    copy = await scope.query(CirculationRecipient).get(circulation_id=closed.id)
    with pytest.raises(ServiceError) as kept:
        await circulation.pass_on(
            await as_(office, "finance_head"), id=copy.id, audience=Audience(ids(office, "clerk"))
        )
    assert refusal(kept) == [("FORBIDDEN", "This circulation may not be passed on", ("id",))]
    assert (await scope.query(CirculationRecipient).get(id=copy.id)).read_at is None
