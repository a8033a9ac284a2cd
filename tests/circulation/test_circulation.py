"""传阅 / 抄送 through GraphQL: cc rules fire as a node completes, 待阅 → 已阅 with read times,
the sender sees who read and urges the rest, 转阅, and every refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from models.audit import AuditEntry
from models.circulation import Circulation
from models.directory import OrgUnit, UserStatus
from models.documents import DocumentEvent
from models.notifications import Notification
from services import directory
from tests.circulation.support import (
    CIRCULATION,
    CIRCULATIONS,
    box,
    circulation_office,
    read,
    submitted,
)
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import Office


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await circulation_office(gql, make_department)


async def told(office: Office, who: str, kind: str) -> list[str]:
    rows = await office.department.scope.query(Notification).filter(
        user_id=office.users[who].id, kind=kind
    )
    return [r.text for r in rows]


async def trail(office: Office, doc_id: str) -> list[str]:
    rows = (
        await office.department.scope.query(DocumentEvent)
        .filter(document_id=key_of(doc_id))
        .order_by("seq")
    )
    return [r.action for r in rows]


async def test_cc_rules_fire_when_the_node_completes(office: Office) -> None:
    doc_id = await submitted(office)
    assert await read(office, "finance_head", doc_id) is None, "not a reader before the copy"
    assert await box(office, "finance_head") == []
    await office.approve("director", doc_id)

    (copy,) = await box(office, "finance_head", "UNREAD")
    assert copy["status"] == "UNREAD"
    assert copy["document"] == {"id": doc_id, "title": "关于年度预算的请示"}
    assert copy["circulation"]["source"] == "FLOW"
    assert copy["circulation"]["nodeName"] == "核稿"
    assert copy["circulation"]["sender"] == {"username": "director"}
    assert [len(await box(office, who)) for who in ("clerk", "clerk2", "leader")] == [1, 1, 0]
    assert await told(office, "finance_head", "circulation_received") == [
        "请阅《关于年度预算的请示》（核稿抄送）"
    ]
    seen = await read(office, "finance_head", doc_id)
    assert seen is not None
    assert seen["formData"] == {"amount": 8}, "the body 签发 hides stays hidden from a reader"
    writer = await read(office, "writer", doc_id)
    assert writer is not None
    assert writer["formData"]["body"] == "预算正文"
    assert "circulated" in await trail(office, doc_id)


async def test_unread_to_read_and_the_sender_urges_the_rest(office: Office) -> None:
    doc_id = await submitted(office)
    sent = await office.ok(
        "writer",
        "circulateDocument",
        {
            "documentId": doc_id,
            "to": {"userIds": [office.id("legal_head"), office.id("hr_head")]},
            "note": "请阅知",
        },
        CIRCULATION,
    )
    circulation = sent["circulation"]
    assert circulation["source"] == "MANUAL"
    assert [r["user"]["username"] for r in circulation["recipients"]] == ["legal_head", "hr_head"]

    marked = await office.ok(
        "legal_head", "markCirculationRead", {"documentId": doc_id}, "recipients { readAt status } "
    )
    assert marked["recipients"][0]["status"] == "READ"
    first_read = marked["recipients"][0]["readAt"]
    again = await office.ok(
        "legal_head", "markCirculationRead", {"documentId": doc_id}, "recipients { readAt } "
    )
    assert again["recipients"][0]["readAt"] == first_read, "the first read time is kept"
    assert await box(office, "legal_head", "UNREAD") == []
    assert [c["readAt"] for c in await box(office, "legal_head", "READ")] == [first_read]

    (seen,) = (await office.run("writer", CIRCULATIONS, {"id": doc_id})).data[
        "documentCirculations"
    ]
    status = {r["user"]["username"]: r["status"] for r in seen["recipients"]}
    assert status == {"legal_head": "READ", "hr_head": "UNREAD"}

    nosy = await office.mutate(
        "legal_head", "urgeCirculation", {"id": circulation["id"]}, "circulation { id } "
    )
    assert [e["code"] for e in nosy["errors"]] == ["FORBIDDEN"]
    await office.ok(
        "writer", "urgeCirculation", {"id": circulation["id"], "comment": "今天下班前"}, CIRCULATION
    )
    assert await told(office, "hr_head", "circulation_urged") == [
        "催阅：请阅读《关于年度预算的请示》。留言：今天下班前"
    ]
    assert await told(office, "legal_head", "circulation_urged") == [], "she has read it"
    urged = (await office.run("writer", CIRCULATIONS, {"id": doc_id})).data
    hr = next(
        r
        for r in urged["documentCirculations"][0]["recipients"]
        if r["user"]["username"] == "hr_head"
    )
    assert hr["urgedAt"] is not None
    actions = await trail(office, doc_id)
    assert {"circulated", "circulation_read", "circulation_urged"} <= set(actions)
    audited = (
        await office.department.scope.query(AuditEntry)
        .filter(action__startswith="circulation.")
        .values_list("action", flat=True)
    )
    assert sorted(audited) == ["circulation.manual", "circulation.read", "circulation.urged"]


async def test_pass_on_when_allowed(office: Office) -> None:
    doc_id = await submitted(office)
    await office.ok(
        "writer",
        "circulateDocument",
        {"documentId": doc_id, "to": {"userIds": [office.id("hr_head")]}},
        CIRCULATION,
    )
    (copy,) = await box(office, "hr_head")
    refused = await office.mutate(
        "hr_head",
        "circulateDocument",
        {"documentId": doc_id, "to": {"userIds": [office.id("outsider")]}},
        "circulation { id } ",
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"], (
        "a copy is passed on, not re-sent"
    )
    passed = await office.ok(
        "hr_head",
        "passOnCirculation",
        {"id": copy["id"], "to": {"userIds": [office.id("outsider")]}, "note": "供参考"},
        CIRCULATION,
    )
    assert passed["circulation"]["source"] == "PASS_ON"
    assert await read(office, "outsider", doc_id) is not None
    assert [c["status"] for c in await box(office, "hr_head")] == ["READ"]

    closed = await office.ok(
        "writer",
        "circulateDocument",
        {"documentId": doc_id, "to": {"userIds": [office.id("legal_head")]}, "allowPassOn": False},
        CIRCULATION,
    )
    assert closed["circulation"]
    (legal,) = await box(office, "legal_head")
    kept = await office.mutate(
        "legal_head",
        "passOnCirculation",
        {"id": legal["id"], "to": {"userIds": [office.id("clerk")]}},
        "circulation { id } ",
    )
    assert [e["code"] for e in kept["errors"]] == ["FORBIDDEN"]


async def test_roles_and_org_units_reach_their_people(office: Office) -> None:
    doc_id = await submitted(office)
    roles = (await office.run("admin", "{ roles(first: 50) { edges { node { id code } } } }")).data
    clerk_role = next(
        e["node"]["id"] for e in roles["roles"]["edges"] if e["node"]["code"] == "office_clerk"
    )
    sent = await office.ok(
        "writer",
        "circulateDocument",
        {"documentId": doc_id, "to": {"roleIds": [clerk_role]}},
        CIRCULATION,
    )
    assert sorted(r["user"]["username"] for r in sent["circulation"]["recipients"]) == [
        "clerk",
        "clerk2",
    ]


async def test_who_may_not_read_is_refused_and_nothing_is_sent(
    office: Office, make_department: Any
) -> None:
    doc_id = await submitted(office)
    other = await make_department()
    root = await other.scope.query(OrgUnit).get(parent_id=None)
    stranger = await directory.create_user(
        other.actor, username="stranger", display_name="外单位人员", org_unit_ids=[root.id]
    )
    await directory.update_user(
        office.department.actor, id=office.users["hr_head"].id, status=UserStatus.DISABLED
    )
    before = await Circulation.filter(tenant_id=office.department.tenant.id).count()
    refused = await office.mutate(
        "writer",
        "circulateDocument",
        {
            "documentId": doc_id,
            "to": {
                "userIds": [
                    office.id("legal_head"),
                    office.id("hr_head"),
                    gid("User", stranger.id),
                ]
            },
        },
        "circulation { id } ",
    )
    (error,) = refused["errors"]
    assert error["code"] == "CANNOT_READ"
    assert "hr_head" in error["message"]
    assert gid("User", stranger.id) in error["message"], "named by global id: not looked up"
    assert "legal_head" not in error["message"]
    assert await Circulation.filter(tenant_id=office.department.tenant.id).count() == before
    assert await told(office, "legal_head", "circulation_received") == []

    secret = await submitted(office, secrecy="SECRET")
    classified = await office.mutate(
        "writer",
        "circulateDocument",
        {"documentId": secret, "to": {"userIds": [office.id("legal_head")]}},
        "circulation { id } ",
    )
    assert [e["code"] for e in classified["errors"]] == ["CANNOT_READ"]
    insider = await office.ok(
        "writer",
        "circulateDocument",
        {"documentId": secret, "to": {"userIds": [office.id("director")]}},
        CIRCULATION,
    )
    assert insider["circulation"]["recipients"] == [{"user": {"username": "director"}}]

    outsider = await office.mutate(
        "outsider",
        "circulateDocument",
        {"documentId": doc_id, "to": {"userIds": [office.id("legal_head")]}},
        "circulation { id } ",
    )
    assert [e["code"] for e in outsider["errors"]] == ["NOT_FOUND"], "an unreadable document"
