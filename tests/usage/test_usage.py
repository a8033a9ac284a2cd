"""Who uses what: `tenantUsage` for tenant admins (their tenant and those below) and the
platform admin (any, or all), figures rolled up the tenant tree, per-day history, a fixed
number of statements; `/metrics` labels the busiest tenants and adds up the rest."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from models.bookings import ResourceKind
from models.directory import User
from models.documents import DocumentType
from models.usage import Meter, UsageDay
from services import directory, usage
from services.bookings import bookings
from services.bookings import resources as bookings_resources
from services.documents import lifecycle
from services.errors import ServiceError
from tests.bookings.support import weekday_at
from tests.conftest import GraphQL, gid, ws_url
from tests.usage.support import USAGE, figure
from tests.ws_client import Socket


async def test_tenant_admins_see_their_branch_rolled_up_and_per_day(
    gql: GraphQL, make_department: Any, platform_admin: User, count_queries: Any
) -> None:
    city = await make_department()
    district = await make_department(parent=city.tenant)
    street = await make_department(parent=district.tenant)
    stranger = await make_department()
    for department, n in ((city, 1), (district, 2), (street, 3)):
        root = await department.scope.query(User).get(id=department.admin.id)
        units = [root.primary_org_unit_id]
        for i in range(n):
            await directory.create_user(
                department.actor, username=f"u{i}", display_name="u", org_unit_ids=units
            )
    await usage.snapshot()
    token = gql.token(district.admin, district.tenant)
    await gql("{ viewer { id } }", token=token)
    variables = {"tenant": None, "children": True, "from": None}
    with count_queries() as counted:
        result = await gql(USAGE, variables, token=token)
    statements = counted()
    reports = {r["tenant"]["code"]: r for r in result.data["tenantUsage"]}
    assert list(reports) == [district.tenant.code, street.tenant.code]
    district_usage = reports[district.tenant.code]
    assert figure(district_usage["current"], "USERS_TOTAL") == 3
    assert figure(district_usage["rolledUp"], "USERS_TOTAL") == 3 + 4
    assert figure(reports[street.tenant.code]["rolledUp"], "USERS_TOTAL") == 4
    assert figure(district_usage["current"], "API_REQUESTS") >= 1
    [today] = district_usage["days"]
    assert figure(today["values"], "USERS_ACTIVE") == 3
    assert figure(district_usage["rolledUpDays"][0]["values"], "USERS_ACTIVE") == 7
    assert {q["limit"]: q["maximum"] for q in district_usage["quotas"]} == {
        "USERS": None,
        "STORAGE_BYTES": None,
        "MONTHLY_DOCUMENTS": None,
        "API_REQUESTS_PER_MINUTE": None,
    }
    with count_queries() as again:
        variables["tenant"] = gid("Tenant", street.tenant.id)
        await gql(USAGE, variables, token=token)
    assert again() == statements  # the same statements for one tenant or a branch

    for who, tenant in ((district, city.tenant), (district, stranger.tenant)):
        refused = await gql(
            USAGE,
            {"tenant": gid("Tenant", tenant.id), "children": False},
            token=gql.token(who.admin, who.tenant),
        )
        assert refused.errors[0]["extensions"]["code"] == "NOT_FOUND"
    unit = (await district.scope.query(User).get(id=district.admin.id)).primary_org_unit_id
    member = await directory.create_user(
        district.actor, username="member", display_name="m", org_unit_ids=[unit]
    )
    forbidden = await gql(USAGE, {"children": False}, token=gql.token(member, district.tenant))
    assert forbidden.errors[0]["extensions"]["code"] == "FORBIDDEN"

    everyone = await gql(USAGE, {"children": False}, token=gql.token(platform_admin, "platform"))
    codes = [r["tenant"]["code"] for r in everyone.data["tenantUsage"]]
    assert {city.tenant.code, street.tenant.code, stranger.tenant.code} <= set(codes)
    city_usage = next(
        r for r in everyone.data["tenantUsage"] if r["tenant"]["code"] == city.tenant.code
    )
    assert figure(city_usage["rolledUp"], "USERS_TOTAL") == 2 + 4 + 4  # the member too


async def test_documents_are_counted_by_status_and_per_day(
    dispatch_office: Any, gql: GraphQL
) -> None:
    office = dispatch_office
    scope = office.department.scope
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = office.department.actor
    for i in range(3):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=f"计量{i}", form_data={"body": "x"}
        )
    await lifecycle.submit_document(writer, id=document.id)
    yesterday = usage.day_of(document.created_at) - timedelta(days=1)
    result = await gql(
        USAGE,
        {"children": False, "from": yesterday.isoformat()},
        token=office.token("admin"),
    )
    [report] = result.data["tenantUsage"]
    assert figure(report["current"], "DOCUMENTS", "draft") == 2
    assert figure(report["current"], "DOCUMENTS", "in_progress") == 1
    assert figure(report["current"], "DOCUMENTS_CREATED") == 3
    assert [d["day"] for d in report["days"]] == [usage.day_of(document.created_at).isoformat()]
    assert figure(report["days"][0]["values"], "DOCUMENTS_CREATED") == 3
    quotas = {q["limit"]: q["used"] for q in report["quotas"]}
    assert quotas["MONTHLY_DOCUMENTS"] == 3
    assert quotas["USERS"] == len(office.users) + 1


async def test_metrics_label_the_busiest_tenants_and_add_up_the_rest(
    server: TestServer, make_department: Any, http: aiohttp.ClientSession
) -> None:
    departments = [await make_department() for _ in range(3)]
    today = usage.day_of(departments[0].tenant.created_at)
    for n, department in enumerate(departments, start=1):
        usage.requests.add(department.tenant.id, Meter.SEARCH_QUERIES, 1000 * n)
    await usage.requests.flush()
    top = await usage.top_tenants(today, 2)
    searches = [(code, value) for code, meter, _, value in top if meter is Meter.SEARCH_QUERIES]
    assert searches[:2] == [(departments[2].tenant.code, 3000), (departments[1].tenant.code, 2000)]
    assert searches[2][0] == "other"
    assert searches[2][1] >= 1000
    assert len(searches) == 3
    async with http.get(server.make_url("/metrics")) as response:
        text = await response.text()
    line = (
        f'officecloud_tenant_usage{{key="",meter="search_queries",'
        f'tenant="{departments[2].tenant.code}"}} 3000.0'
    )
    assert line in text


async def test_websockets_are_counted_per_tenant(
    server: TestServer, make_department: Any, gql: GraphQL, http: aiohttp.ClientSession
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    async with (
        Socket.connect(http, ws_url(server), token),
        Socket.connect(http, ws_url(server), token),
    ):
        pass
    refused = await http.ws_connect(ws_url(server), protocols=["graphql-transport-ws"])
    await refused.send_json({"type": "connection_init", "payload": {"authorization": "Bearer x"}})
    await refused.receive(timeout=5)
    await refused.close()
    result = await gql(USAGE, {"children": False}, token=token)
    [report] = result.data["tenantUsage"]
    assert figure(report["current"], "WEBSOCKET_CONNECTIONS") == 2


async def test_bookings_are_counted_in_their_transaction(make_department: Any) -> None:
    department = await make_department()
    room = await bookings_resources.create_resource(
        department.actor, kind=ResourceKind.MEETING_ROOM, name="第一会议室"
    )
    start = weekday_at(10)
    for hour in range(2):
        await bookings.book(
            department.actor,
            resource_id=room.id,
            title="例会",
            starts_at=start + timedelta(hours=hour),
            ends_at=start + timedelta(hours=hour + 1),
        )
    with contextlib.suppress(ServiceError):  # the same slot again: refused, not counted
        await bookings.book(
            department.actor, resource_id=room.id, title="x", starts_at=start, ends_at=start
        )
    counted = (
        await department.scope.query(UsageDay)
        .filter(meter=Meter.BOOKINGS)
        .values_list("value", flat=True)
    )
    assert counted == [2]


async def test_searches_are_counted_once_past_their_checks(
    make_department: Any, gql: GraphQL
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    search = "query($q: String!, $first: Int) { search(query: $q, first: $first) { hasNextPage } }"
    for words in ("通知", "会议 纪要"):
        assert not (await gql(search, {"q": words}, token=token)).errors
    refused = await gql(search, {"q": "通知", "first": -1}, token=token)
    assert refused.errors or refused.data is None
    result = await gql(USAGE, {"children": False}, token=token)
    [report] = result.data["tenantUsage"]
    assert figure(report["current"], "SEARCH_QUERIES") == 2
