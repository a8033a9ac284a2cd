"""Online registration → review → an active, provisioned tenant; hierarchy and status."""

from __future__ import annotations

import uuid

from models.audit import AuditEntry
from models.directory import Role, User
from models.scope import TenantScope
from models.tenants import Tenant, TenantApplication, TenantStatus
from tests.conftest import GraphQL, gid, key_of
from tests.tenants.support import application_input

APPLY = "application { id code status } "
REVIEW = "application { id status reason } tenant { id code status } "


async def test_registration_review_gives_an_active_tenant_whose_admin_can_sign_in(
    gql: GraphQL, platform_admin: User
) -> None:
    code = f"hd{uuid.uuid4().hex[:8]}"
    applied = await gql.mutate("applyForTenant", application_input(code), APPLY, token=None)
    assert applied["errors"] == []
    assert applied["application"]["status"] == "PENDING"
    pending = await Tenant.get(code=code)
    assert pending.status == TenantStatus.PENDING

    operator = gql.token(platform_admin, "platform")
    listed = await gql(
        "query { tenantApplications(status: PENDING, last: 100) { edges { node { code } } } }",
        token=operator,
    )
    assert code in [e["node"]["code"] for e in listed.data["tenantApplications"]["edges"]]

    reviewed = await gql.mutate(
        "reviewTenantApplication",
        {"id": applied["application"]["id"], "approve": True},
        REVIEW,
        token=operator,
    )
    assert reviewed["errors"] == []
    assert reviewed["tenant"]["status"] == "ACTIVE"

    tenant = await Tenant.get(code=code)
    scope = TenantScope(tenant.id)
    admin = await scope.query(User).get(username="zhao.min")
    assert {r.code for r in await scope.query(Role)} >= {"tenant_admin", "member"}
    me = await gql(
        "{ viewer { user { username } tenant { code status } permissions } }",
        token=gql.token(admin, tenant),
    )
    assert me.data["viewer"]["tenant"] == {"code": code, "status": "ACTIVE"}
    assert "TENANT_ADMIN" in me.data["viewer"]["permissions"]

    again = await gql.mutate(
        "reviewTenantApplication",
        {"id": applied["application"]["id"], "approve": False, "reason": "late"},
        REVIEW,
        token=operator,
    )
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]


async def test_rejection_needs_a_reason_and_frees_the_code(
    gql: GraphQL, platform_admin: User
) -> None:
    code = f"rj{uuid.uuid4().hex[:8]}"
    applied = await gql.mutate("applyForTenant", application_input(code), APPLY, token=None)
    app_id = applied["application"]["id"]
    operator = gql.token(platform_admin, "platform")

    no_reason = await gql.mutate(
        "reviewTenantApplication",
        {"id": app_id, "approve": False},
        REVIEW,
        token=operator,
    )
    assert no_reason["errors"][0]["code"] == "REQUIRED"
    assert no_reason["errors"][0]["field"] == ["input", "reason"]
    assert (await TenantApplication.get(code=code)).status == "pending"

    rejected = await gql.mutate(
        "reviewTenantApplication",
        {"id": app_id, "approve": False, "reason": "材料不全 incomplete papers"},
        REVIEW,
        token=operator,
    )
    assert rejected["errors"] == []
    assert rejected["application"] == {
        "id": app_id,
        "status": "REJECTED",
        "reason": "材料不全 incomplete papers",
    }
    assert not await Tenant.exists(code=code)
    reapplied = await gql.mutate("applyForTenant", application_input(code), APPLY, token=None)
    assert reapplied["errors"] == []


async def test_bad_applications_are_refused_and_create_nothing(gql: GraphQL, make_department):
    taken = (await make_department()).tenant.code
    before = (await Tenant.all().count(), await TenantApplication.all().count())

    duplicate = await gql.mutate("applyForTenant", application_input(taken), APPLY, token=None)
    assert [(e["code"], e["field"]) for e in duplicate["errors"]] == [
        ("DUPLICATE", ["input", "code"])
    ]

    empty = await gql.mutate(
        "applyForTenant",
        application_input("", name="  ", applicantEmail="not-an-email"),
        APPLY,
        token=None,
    )
    assert {(e["code"], e["field"][-1]) for e in empty["errors"]} == {
        ("REQUIRED", "code"),
        ("REQUIRED", "name"),
        ("INVALID", "applicantEmail"),
    }
    orphan = await gql.mutate(
        "applyForTenant",
        application_input(f"o{uuid.uuid4().hex[:8]}", parentCode="no-such-parent"),
        APPLY,
        token=None,
    )
    assert orphan["errors"][0]["field"] == ["input", "parentCode"]
    assert (await Tenant.all().count(), await TenantApplication.all().count()) == before


async def test_only_platform_admins_review(gql: GraphQL, make_department) -> None:
    department = await make_department()
    applied = await gql.mutate(
        "applyForTenant", application_input(f"x{uuid.uuid4().hex[:8]}"), APPLY, token=None
    )
    refused = await gql.mutate(
        "reviewTenantApplication",
        {"id": applied["application"]["id"], "approve": True},
        REVIEW,
        token=gql.token(department.admin, department.tenant),
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    application = await TenantApplication.get(id=key_of(applied["application"]["id"]))
    assert application.status == "pending"


async def test_tenant_admin_sees_its_own_tenant_and_those_below(
    gql: GraphQL, make_department
) -> None:
    city = await make_department()
    district = await make_department(parent=city.tenant)
    street = await make_department(parent=district.tenant)
    other = await make_department()
    query = "{ tenants(first: 100) { edges { node { code parent { code } } } } }"

    seen = await gql(query, token=gql.token(district.admin, district.tenant))
    codes = {e["node"]["code"] for e in seen.data["tenants"]["edges"]}
    assert codes == {district.tenant.code, street.tenant.code}
    parents = {e["node"]["code"]: e["node"]["parent"] for e in seen.data["tenants"]["edges"]}
    assert parents[street.tenant.code] == {"code": district.tenant.code}
    assert parents[district.tenant.code] is None, "the city above is not visible to the district"

    member = await gql(query, token=gql.token(street.admin, street.tenant))
    assert other.tenant.code not in str(member.body)


async def test_suspended_tenants_cannot_sign_in(gql: GraphQL, make_department, platform_admin):
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    assert (await gql("{ viewer { user { id } } }", token=token)).status == 200

    operator = gql.token(platform_admin, "platform")
    tenant_id = gid("Tenant", department.tenant.id)
    suspended = await gql.mutate(
        "setTenantStatus",
        {"id": tenant_id, "status": "SUSPENDED"},
        "tenant { status }",
        token=operator,
    )
    assert suspended == {"tenant": {"status": "SUSPENDED"}, "errors": []}
    refused = await gql("{ viewer { user { id } } }", token=token)
    assert refused.status == 403
    assert "suspended" in refused.errors[0]["message"]
    entries = TenantScope((await Tenant.get(code="platform")).id).query(AuditEntry)
    assert await entries.filter(
        action="tenant.status_changed", target_id=str(department.tenant.id)
    ).exists()
