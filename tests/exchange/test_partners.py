"""Who may send where (descendants, the parent, platform-made pairs), who works an item addressed
to an org unit, and which receipt type signing starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from models.access import DataScope, Permission
from models.directory import OrgUnit, User
from server.settings import Settings
from services import directory
from tests.conftest import GraphQL, gid, new_department
from tests.documents.support import Office, dispatching_office
from tests.exchange.support import DISPATCH, INBOX, completed_dispatch, receiving_office

RECIPIENTS = """{ exchangeRecipients(first: 50) { edges { node {
  id tenantId code relation status orgUnits { id name } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on ExchangeRecipient { code relation } } }"


async def recipients(office: Office, who: str = "admin") -> dict[str, str]:
    result = await office.run(who, RECIPIENTS)
    return {
        e["node"]["code"]: e["node"]["relation"] for e in result.data["exchangeRecipients"]["edges"]
    }


async def test_partners_follow_the_hierarchy_and_the_platforms_pairs(
    dispatch_office: Office, gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    city = dispatch_office
    district = await receiving_office(gql, make_department, parent=city.department.tenant)
    other = await receiving_office(gql, make_department, parent=city.department.tenant)
    street = await make_department(parent=district.department.tenant)
    codes = {
        "city": city.department.tenant.code,
        "district": district.department.tenant.code,
        "other": other.department.tenant.code,
        "street": street.tenant.code,
    }
    assert await recipients(city) == {
        codes["district"]: "DESCENDANT",
        codes["other"]: "DESCENDANT",
        codes["street"]: "DESCENDANT",
    }
    assert await recipients(district) == {
        codes["city"]: "PARENT",
        codes["street"]: "DESCENDANT",
    }, "siblings only through a pair"
    assert await recipients(city, "writer") == {}, "listing needs exchange.send"

    pair = {
        "senderId": gid("Tenant", district.department.tenant.id),
        "receiverId": gid("Tenant", other.department.tenant.id),
        "bothDirections": False,
    }
    refused = await gql.mutate(
        "addExchangePartner", pair, "partners { id } ", token=district.token("admin")
    )
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    operator = gql.token(platform_admin, "platform")
    added = await gql.mutate(
        "addExchangePartner",
        pair,
        "partners { id sender { code } receiver { code } } ",
        token=operator,
    )
    assert added["partners"][0]["receiver"]["code"] == codes["other"]
    assert (await recipients(district))[codes["other"]] == "PARTNER"
    assert codes["district"] not in await recipients(other), "one direction only"
    seen = await district.run(
        "admin", NODE, {"id": gid("ExchangeRecipient", other.department.tenant.id)}
    )
    assert seen.data["node"] == {"code": codes["other"], "relation": "PARTNER"}
    unrelated = await other.run(
        "admin", NODE, {"id": gid("ExchangeRecipient", district.department.tenant.id)}
    )
    assert unrelated.data["node"] is None

    removed = await gql.mutate(
        "removeExchangePartner", {"id": added["partners"][0]["id"]}, "removedId ", token=operator
    )
    assert removed["errors"] == []
    assert codes["other"] not in await recipients(district)


@dataclass
class OrgUnitItem:
    """A city, a district below it with an 办公室 unit, two registrars (one in 办公室, one at the
    root) and two receipt types, and a street office below the city with none."""

    city: Office
    district: Office
    street: Office
    office_unit: OrgUnit
    second_type: dict[str, Any]
    item: str = ""


@pytest.fixture(scope="class")
async def org_unit_item(database: Settings, gql: GraphQL) -> OrgUnitItem:
    city = await dispatching_office(gql, await new_department())
    district = await receiving_office(gql, new_department, parent=city.department.tenant)
    street = Office(await new_department(parent=city.department.tenant), gql)
    actor, scope = district.department.actor, district.department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    office_unit = await directory.create_org_unit(actor, name="办公室", parent_id=root.id)
    registry = await directory.create_role(
        actor,
        code="registry",
        name="收发",
        permissions=[Permission.EXCHANGE_RECEIVE.value],
        data_scope=DataScope.SELF,
    )
    for name, unit in (("registrar", office_unit), ("registrar2", root)):
        user = await directory.create_user(
            actor, username=name, display_name=name, org_unit_ids=[unit.id]
        )
        await directory.assign_role(actor, user_id=user.id, role_id=registry.id)
        district.users[name] = user
    second = await district.ok(
        "admin", "installTemplate", {"key": "receipt"}, "documentType { id code } "
    )
    return OrgUnitItem(city, district, street, office_unit, second["documentType"])


@pytest.mark.steps
class TestAnItemForAnOrgUnitIsWorkedByItsMembersWithTheChosenReceiptType:
    async def test_the_sender_picks_the_unit_and_both_receivers_get_it(
        self, org_unit_item: OrgUnitItem, gql: GraphQL
    ) -> None:
        city, district = org_unit_item.city, org_unit_item.district
        picker = await city.run("admin", RECIPIENTS)
        listed = {e["node"]["code"]: e["node"] for e in picker.data["exchangeRecipients"]["edges"]}
        units = {u["name"]: u["id"] for u in listed[district.department.tenant.code]["orgUnits"]}
        assert units == {"办公室": gid("OrgUnit", org_unit_item.office_unit.id)}
        doc_id, _ = await completed_dispatch(city, gql, "关于做好防汛工作的通知")
        sent = await city.ok(
            "admin",
            "dispatchDocument",
            {
                "id": doc_id,
                "recipients": [
                    {
                        "tenantId": listed[district.department.tenant.code]["id"],
                        "orgUnitId": units["办公室"],
                    },
                    {
                        "tenantId": gid("Tenant", org_unit_item.street.department.tenant.id),
                        "role": "COPY",
                    },
                ],
            },
            DISPATCH,
        )
        statuses = [r["status"] for r in sent["dispatch"]["recipients"]]
        assert statuses == ["DELIVERED", "DELIVERED"]

    async def test_only_members_of_the_unit_and_admins_see_and_work_it(
        self, org_unit_item: OrgUnitItem
    ) -> None:
        district = org_unit_item.district
        mine = (await district.run("registrar", INBOX)).data["incomingItems"]["edges"]
        assert len(mine) == 1
        item_id = org_unit_item.item = mine[0]["node"]["id"]
        assert (await district.run("registrar2", INBOX)).data["incomingItems"]["edges"] == [], (
            "a holder outside the addressed unit does not see it"
        )
        assert len((await district.run("admin", INBOX)).data["incomingItems"]["edges"]) == 1
        outside = await district.mutate(
            "registrar2", "signIncomingItem", {"id": item_id}, "incomingItem { id } "
        )
        assert outside["errors"][0]["code"] == "NOT_FOUND"

    async def test_signing_starts_the_receipt_type_the_tenant_chose(
        self, org_unit_item: OrgUnitItem
    ) -> None:
        district, item_id = org_unit_item.district, org_unit_item.item
        ambiguous = await district.mutate(
            "registrar", "signIncomingItem", {"id": item_id}, "incomingItem { id } "
        )
        assert ambiguous["errors"][0]["code"] == "INVALID_STATE"
        assert "Several receipt types" in ambiguous["errors"][0]["message"]
        await district.ok(
            "admin",
            "updateTenant",
            {
                "id": gid("Tenant", district.department.tenant.id),
                "settings": {"exchange": {"receiptType": org_unit_item.second_type["code"]}},
            },
            "tenant { id } ",
        )
        signed = await district.ok(
            "registrar",
            "signIncomingItem",
            {"id": item_id},
            "incomingItem { status } document { documentType { id } orgUnit { name } status } ",
        )
        assert signed["document"]["documentType"]["id"] == org_unit_item.second_type["id"]
        assert signed["document"]["orgUnit"]["name"] == "办公室"
        assert signed["document"]["status"] == "IN_PROGRESS"

    async def test_a_receiver_without_a_receipt_type_is_told_to_install_one(
        self, org_unit_item: OrgUnitItem
    ) -> None:
        street = org_unit_item.street
        street_item = (await street.run("admin", INBOX)).data["incomingItems"]["edges"][0]
        no_type = await street.mutate(
            "admin",
            "signIncomingItem",
            {"id": street_item["node"]["id"]},
            "incomingItem { id } ",
        )
        assert no_type["errors"][0]["code"] == "INVALID_STATE"
        assert "install the receipt template" in no_type["errors"][0]["message"]


async def test_the_incoming_box_runs_the_same_statements_for_any_page_size(
    dispatch_office: Office, gql: GraphQL, make_department: Any, count_queries: Any
) -> None:
    city = dispatch_office
    district = await receiving_office(gql, make_department, parent=city.department.tenant)
    actor, scope = district.department.actor, district.department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    targets = [{"tenantId": gid("Tenant", district.department.tenant.id)}]
    for name in ("办公室", "财务处", "人事处", "法规处"):
        unit = await directory.create_org_unit(actor, name=name, parent_id=root.id)
        targets.append({**targets[0], "orgUnitId": gid("OrgUnit", unit.id), "role": "COPY"})
    doc_id, _ = await completed_dispatch(city, gql, "关于开展普法宣传的通知")
    await city.ok("admin", "dispatchDocument", {"id": doc_id, "recipients": targets}, DISPATCH)
    query = """query($n: Int!) { incomingItems(first: $n) { totalCount edges { node {
      title role status senderName orgUnit { name } handledBy { username } document { id }
      attachments { name downloadUrl } } } } }"""
    counts = {}
    for size in (1, 5):
        with count_queries() as counted:
            result = await district.run("admin", query, {"n": size})
        assert len(result.data["incomingItems"]["edges"]) == size
        assert result.data["incomingItems"]["totalCount"] == 5
        counts[size] = counted()
    assert counts[1] == counts[5], counts
