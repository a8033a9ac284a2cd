"""Who works an item addressed to an org unit when a grant's data scope reaches it (the unit
only, or the unit and below); signing with a named receipt type and a note, outside one's own
unit; what the sender is told and audits; reminders at their due time, past handled items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.access import DataScope, Permission
from models.audit import AuditEntry
from models.directory import OrgUnit
from models.exchange import IncomingItem, IncomingReminder, IncomingStatus
from models.notifications import Notification
from server.settings import Settings
from services import directory
from services.exchange import reminders
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.documents.support import Office, dispatching_office
from tests.exchange.support import DISPATCH, completed_dispatch, receiving_office

BOX = """{ incomingItems(first: 20) { edges { node { id status orgUnit { name } } } } }"""
SIGNED = (
    "incomingItem { status handledAt handledBy { username } } "
    "document { id orgUnit { name } documentType { id } "
    "timeline(first: 10) { edges { node { action comment } } } } "
)


@dataclass
class Scoped:
    """A city and a district below it with 办公室 (and 文书组 within it) and 财务处; `head` holds
    exchange.receive for 办公室 alone, `branch` for 办公室 and below; both sit at the root. The
    city's clerk holds exchange.send."""

    city: Office
    district: Office
    doc_id: str = ""
    items: dict[str | None, str] = field(default_factory=dict)
    """The district's items by the name of the unit they are addressed to."""


@pytest.fixture(scope="class")
async def scoped(database: Settings, gql: GraphQL) -> Scoped:
    city = await dispatching_office(gql, await new_department())
    district = await receiving_office(gql, new_department, parent=city.department.tenant)
    actor, scope = district.department.actor, district.department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    office = await directory.create_org_unit(actor, name="办公室", parent_id=root.id)
    await directory.create_org_unit(actor, name="文书组", parent_id=office.id)
    await directory.create_org_unit(actor, name="财务处", parent_id=root.id)
    for name, reach in (("head", DataScope.ORG_UNIT), ("branch", DataScope.ORG_UNIT_AND_BELOW)):
        role = await directory.create_role(
            actor,
            code=f"registry_{name}",
            name=name,
            permissions=[Permission.EXCHANGE_RECEIVE.value],
            data_scope=reach,
        )
        user = await directory.create_user(
            actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
        await directory.assign_role(actor, user_id=user.id, role_id=role.id, org_unit_id=office.id)
        district.users[name] = user
    sending = await directory.create_role(
        city.department.actor,
        code="sending",
        name="发文",
        permissions=[Permission.EXCHANGE_SEND.value],
        data_scope=DataScope.SELF,
    )
    await directory.assign_role(
        city.department.actor, user_id=city.users["clerk"].id, role_id=sending.id
    )
    return Scoped(city, district)


async def box(office: Office, who: str) -> dict[str | None, str]:
    edges = (await office.run(who, BOX)).data["incomingItems"]["edges"]
    return {
        (e["node"]["orgUnit"] or {}).get("name"): e["node"]["id"]
        for e in edges
        if e["node"]["status"] == "PENDING"
    }


@pytest.mark.steps
class TestAGrantsDataScopeDecidesWhichUnitsItemsItWorks:
    async def test_the_city_sends_to_the_district_and_three_of_its_units(
        self, scoped: Scoped, gql: GraphQL
    ) -> None:
        city, district = scoped.city, scoped.district
        scoped.doc_id, _ = await completed_dispatch(city, gql, "关于核对财务数据的通知")
        units = {u.name: u.id for u in await district.department.scope.query(OrgUnit)}
        tenant = gid("Tenant", district.department.tenant.id)
        recipients = [{"tenantId": tenant, "role": "MAIN"}] + [
            {"tenantId": tenant, "orgUnitId": gid("OrgUnit", units[name]), "role": "COPY"}
            for name in ("办公室", "文书组", "财务处")
        ]
        sent = await city.ok(
            "admin", "dispatchDocument", {"id": scoped.doc_id, "recipients": recipients}, DISPATCH
        )
        assert [r["status"] for r in sent["dispatch"]["recipients"]] == ["DELIVERED"] * 4
        scoped.items = await box(district, "admin")
        everything = [None, "办公室", "文书组", "财务处"]
        assert sorted(scoped.items, key=str) == sorted(everything, key=str)

    async def test_the_unit_alone_or_the_unit_and_below(self, scoped: Scoped) -> None:
        district = scoped.district
        assert sorted(await box(district, "head"), key=str) == sorted([None, "办公室"], key=str)
        assert sorted(await box(district, "branch"), key=str) == sorted(
            [None, "办公室", "文书组"], key=str
        )
        assert await box(district, "writer") == {}, "no exchange.receive, no items"
        beyond = await district.mutate(
            "head", "signIncomingItem", {"id": scoped.items["文书组"]}, "incomingItem { id } "
        )
        assert beyond["errors"][0]["code"] == "NOT_FOUND"
        assert beyond["errors"][0]["field"] == ["input", "id"]

    async def test_a_named_receipt_type_must_be_an_active_receipt_type(
        self, scoped: Scoped
    ) -> None:
        district, item = scoped.district, scoped.items["文书组"]
        for wrong in (scoped.city.type_id, gid("DocumentType", uuid.uuid4())):
            refused = await district.mutate(
                "branch",
                "signIncomingItem",
                {"id": item, "documentTypeId": wrong},
                "incomingItem { id } ",
            )
            assert refused["errors"] == [
                {
                    "code": "INVALID",
                    "message": "Name an active 收文 (receipt) document type",
                    "field": ["input", "documentTypeId"],
                }
            ]
        await district.ok(
            "admin",
            "updateTenant",
            {
                "id": gid("Tenant", district.department.tenant.id),
                "settings": {"exchange": {"receiptType": "no_such_type"}},
            },
            "tenant { id } ",
        )
        unset = await district.mutate(
            "branch", "signIncomingItem", {"id": item}, "incomingItem { id } "
        )
        assert unset["errors"][0]["code"] == "INVALID_STATE"
        assert "'no_such_type'" in unset["errors"][0]["message"]
        assert unset["errors"][0]["field"] == ["input", "documentTypeId"]
        long = await district.mutate(
            "branch",
            "signIncomingItem",
            {"id": item, "documentTypeId": district.type_id, "comment": "长" * 2001},
            "incomingItem { id } ",
        )
        assert long["errors"][0]["field"] == ["input", "comment"]
        row = await district.department.scope.query(IncomingItem).get(id=key_of(item))
        assert (row.status, row.document_id, row.handled_by_id) == (
            IncomingStatus.PENDING,
            None,
            None,
        ), "a refused signature changes nothing"

    async def test_signing_outside_ones_unit_files_the_receipt_in_ones_own(
        self, scoped: Scoped
    ) -> None:
        district = scoped.district
        signed = await district.ok(
            "branch",
            "signIncomingItem",
            {"id": scoped.items["文书组"], "documentTypeId": district.type_id, "comment": "转财务"},
            SIGNED,
        )
        item, document = signed["incomingItem"], signed["document"]
        assert item["status"] == "SIGNED"
        assert item["handledBy"] == {"username": "branch"}
        assert item["handledAt"]
        assert document["documentType"]["id"] == district.type_id
        root = await district.department.scope.query(OrgUnit).get(parent_id=None)
        assert document["orgUnit"]["name"] == root.name, "branch is no member of 文书组"
        steps = [e["node"] for e in document["timeline"]["edges"]]
        assert [s["action"] for s in steps] == ["created", "received", "submitted"]
        assert steps[2]["comment"] == "转财务"

    async def test_the_sender_is_told_and_both_sides_audit_it(self, scoped: Scoped) -> None:
        city, district = scoped.city, scoped.district
        long = await district.mutate(
            "head",
            "returnIncomingItem",
            {"id": scoped.items[None], "reason": "长" * 1001},
            "incomingItem { id } ",
        )
        assert long["errors"][0]["field"] == ["input", "reason"]
        await district.ok(
            "head",
            "returnIncomingItem",
            {"id": scoped.items[None], "reason": "请改发财务处"},
            "incomingItem { status } ",
        )
        told = await city.department.scope.query(Notification).order_by("created_at")
        name, title = district.department.tenant.name, "关于核对财务数据的通知"
        by_kind: dict[str, set[Any]] = {}
        for note in told:
            if note.kind.value.startswith("dispatch_"):
                by_kind.setdefault(note.kind.value, set()).add((note.text, note.link))
        link = scoped.doc_id
        assert by_kind == {
            "dispatch_signed": {(f"{name}已签收《{title}》", link)},
            "dispatch_returned": {(f"{name}退回了《{title}》，理由：请改发财务处", link)},
        }
        clerks = {city.department.admin.id, city.users["clerk"].id}
        for kind in ("dispatch_signed", "dispatch_returned"):
            users = {n.user_id for n in told if n.kind.value == kind}
            assert users == clerks, "the sender and every holder of exchange.send"
        code = district.department.tenant.code
        sender = await city.department.scope.query(AuditEntry).filter(
            action__in=["exchange.recipient_signed", "exchange.recipient_returned"]
        )
        assert sorted((e.action, e.data["receiver"], e.data["reason"]) for e in sender) == [
            ("exchange.recipient_returned", code, "请改发财务处"),
            ("exchange.recipient_signed", code, None),
        ]
        receiver = await district.department.scope.query(AuditEntry).filter(
            action__in=["exchange.signed", "exchange.returned"]
        )
        data = {e.action: e.data for e in receiver}
        assert {e.target_type for e in sender} == {"DispatchRecipient"}
        assert {e.target_type for e in receiver} == {"IncomingItem"}
        assert data["exchange.returned"] == {
            "sender": city.department.tenant.code,
            "title": title,
            "reason": "请改发财务处",
        }
        assert data["exchange.signed"]["sender"] == city.department.tenant.code
        assert data["exchange.signed"]["title"] == title
        signed = await district.department.scope.query(IncomingItem).get(
            id=key_of(scoped.items["文书组"])
        )
        assert data["exchange.signed"]["document"] == str(signed.document_id)

    async def test_the_two_left_are_reminded_when_due(self, scoped: Scoped) -> None:
        scope = scoped.district.department.scope
        rows = scope.query(IncomingReminder)
        due = {r.incoming_id: r.due_at for r in await rows}
        items = await scope.query(IncomingItem).filter(id__in=list(due))
        by_due = sorted(items, key=lambda i: due[i.id])
        assert [i.status for i in by_due] == [
            IncomingStatus.RETURNED,
            IncomingStatus.PENDING,
            IncomingStatus.SIGNED,
            IncomingStatus.PENDING,
        ], "delivered in the order named: the whole district, 办公室, 文书组, 财务处"
        first, last = due[by_due[0].id], due[by_due[-1].id]
        later = last + timedelta(minutes=1)
        assert first > datetime.now(UTC) + timedelta(hours=71), "72 hours by default"
        # fire_due serves every tenant: the items of the tests before this one in the same
        # database were delivered earlier, so they are due earlier; they go first.
        while await reminders.fire_due(first - timedelta(seconds=1)):
            pass
        assert await rows.filter(fired_at__isnull=False).count() == 0
        assert await reminders.fire_due(first) == 0, "due, but the item was returned"
        assert await rows.filter(fired_at__isnull=False).count() == 1, "due at its very time"
        assert await reminders.fire_due(later) == 2, "past the signed one to the last"
        assert await rows.filter(fired_at__isnull=False).count() == 4
        assert await reminders.fire_due(later + timedelta(days=1)) == 0
        entries = await scope.query(AuditEntry).filter(action="exchange.reminded")
        assert len(entries) == 2
        pending = {
            str(i.id): i
            for i in await scope.query(IncomingItem).filter(status=IncomingStatus.PENDING)
        }
        assert {(e.target_type, e.target_id) for e in entries} == {
            ("IncomingItem", i) for i in pending
        }
        for entry in entries:
            item = pending[entry.target_id]
            assert entry.data["sender"] == scoped.city.department.tenant.code
            assert entry.data["title"] == item.title
            assert datetime.fromisoformat(entry.data["due"]) <= later
            assert item.reminded_at == later

    async def test_signing_within_ones_unit_files_the_receipt_there(self, scoped: Scoped) -> None:
        """A member of the addressed unit files it there, though her primary unit is another."""
        district = scoped.district
        scope, head = district.department.scope, district.users["head"]
        root = await scope.query(OrgUnit).get(parent_id=None)
        office = await scope.query(OrgUnit).get(name="办公室")
        await directory.update_user(
            district.department.actor,
            id=head.id,
            org_unit_ids=[root.id, office.id],
            primary_org_unit_id=root.id,
        )
        signed = await district.ok(
            "head",
            "signIncomingItem",
            {"id": scoped.items["办公室"], "documentTypeId": district.type_id},
            SIGNED,
        )
        assert signed["document"]["orgUnit"] == {"name": "办公室"}
