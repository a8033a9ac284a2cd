"""Usage meters, service packages (服务套餐), quotas and a tenant's allocation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import strawberry
from strawberry import relay

from models import usage as m
from resolvers import usage as r
from schema.nodes import LoadedNode
from schema.tenants.types import Tenant
from schema.types import describe_values
from services.usage import Limits

strawberry.enum(
    m.Meter, name="UsageMeter", description="What is metered per tenant and day (用量)."
)
describe_values(
    m.Meter,
    {
        "USERS_TOTAL": "Users, any status (a gauge).",
        "USERS_ACTIVE": "Active users (a gauge).",
        "DOCUMENTS": "Documents (公文) by status; `key` is the status (a gauge).",
        "STORAGE_BYTES": "Bytes of attachments, every version counted (a gauge).",
        "DOCUMENTS_CREATED": "Documents created (a counter).",
        "API_REQUESTS": "GraphQL HTTP requests of signed-in users (a counter).",
        "WEBSOCKET_CONNECTIONS": "GraphQL websockets opened (a counter).",
        "NOTIFICATIONS_SENT": "Notifications (站内消息) sent; `key` is the channel (a counter).",
        "BOOKINGS": "Bookings of meeting rooms and vehicles (公共事务) made (a counter).",
        "SEARCH_QUERIES": "Searches run (a counter).",
    },
)
strawberry.enum(m.Limit, name="QuotaLimit", description="What a service package limits.")
describe_values(
    m.Limit,
    {
        "USERS": "Active users.",
        "STORAGE_BYTES": "Bytes of attachments.",
        "MONTHLY_DOCUMENTS": "Documents created in the calendar month (Asia/Shanghai).",
        "API_REQUESTS_PER_MINUTE": "GraphQL HTTP requests per rate window (a minute by default).",
    },
)


@strawberry.type(description="A service package (服务套餐) the platform offers.")
class ServicePackage(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Unique code of the package.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What the package is for.")
    components: list[str] = strawberry.field(
        description="Keys of the shared service components (服务组件) a tenant on it may apply "
        "for; empty: any."
    )
    features: list[str] = strawberry.field(description="Feature keys the package includes.")
    max_users: int | None = strawberry.field(description="Active users; null: unlimited.")
    max_storage_bytes: float | None = strawberry.field(
        description="Bytes of attachments; null: unlimited."
    )
    max_monthly_documents: int | None = strawberry.field(
        description="Documents created per calendar month; null: unlimited."
    )
    api_requests_per_minute: int | None = strawberry.field(
        description="GraphQL HTTP requests per rate window; null: unlimited."
    )
    term_days: int | None = strawberry.field(
        description="Days an assignment lasts; null: it does not expire."
    )
    grace_days: int = strawberry.field(
        description="Days an expired tenant keeps working before it is suspended."
    )
    active: bool = strawberry.field(description="Offered to tenants (false: retired).")
    version: int = strawberry.field(description="For expectedVersion.")

    loader = r.ServicePackageById

    @classmethod
    def from_model(cls, row: m.ServicePackage) -> ServicePackage:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            description=row.description,
            components=list(row.components),
            features=list(row.features),
            max_users=row.max_users,
            max_storage_bytes=row.max_storage_bytes,
            max_monthly_documents=row.max_monthly_documents,
            api_requests_per_minute=row.api_requests_per_minute,
            term_days=row.term_days,
            grace_days=row.grace_days,
            active=row.active,
            version=row.version,
        )


@strawberry.type(description="What the platform allocated to a tenant (资源调配).")
class TenantAllocation:
    max_users: int | None = strawberry.field(
        description="The tenant's own limit of active users; null: the package's."
    )
    max_storage_bytes: float | None = strawberry.field(
        description="The tenant's own storage limit in bytes; null: the package's."
    )
    max_monthly_documents: int | None = strawberry.field(
        description="The tenant's own monthly document limit; null: the package's."
    )
    api_requests_per_minute: int | None = strawberry.field(
        description="The tenant's own API rate; null: the package's."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the package expires; null: never."
    )
    suspend_at: datetime | None = strawberry.field(
        description="When the tenant is suspended unless renewed (expiry plus grace days)."
    )
    suspended_for_expiry: bool = strawberry.field(
        description="The tenant is suspended because its package expired; a renewal lifts it."
    )
    version: int = strawberry.field(description="For expectedVersion.")
    package: ServicePackage | None = strawberry.field(description="The tenant's package.")

    @classmethod
    def of(cls, row: m.TenantAllocation, package: m.ServicePackage | None) -> TenantAllocation:
        grace = package.grace_days if package else 0
        return cls(
            max_users=row.max_users,
            max_storage_bytes=row.max_storage_bytes,
            max_monthly_documents=row.max_monthly_documents,
            api_requests_per_minute=row.api_requests_per_minute,
            expires_at=row.expires_at,
            suspend_at=row.expires_at + timedelta(days=grace) if row.expires_at else None,
            suspended_for_expiry=row.suspended_for_expiry,
            version=row.version,
            package=ServicePackage.from_model(package) if package else None,
        )


@strawberry.type(description="One meter's value.")
class MeterValue:
    meter: m.Meter = strawberry.field(description="What is measured.")
    key: str = strawberry.field(
        description="The meter's dimension (a document status, a channel); '' when it has none."
    )
    value: float = strawberry.field(description="Count, or bytes for STORAGE_BYTES.")


def meter_values(values: r.Values) -> list[MeterValue]:
    return [
        MeterValue(meter=meter, key=key, value=float(value))
        for (meter, key), value in sorted(values.items())
    ]


@strawberry.type(description="The meters of one day (Asia/Shanghai).")
class UsageDay:
    day: date = strawberry.field(description="The day.")
    values: list[MeterValue] = strawberry.field(
        description="Counters: the day's total; gauges: their last reading that day."
    )


@strawberry.type(description="A limit in force, and how much of it is used.")
class Quota:
    limit: m.Limit = strawberry.field(description="What is limited.")
    maximum: float | None = strawberry.field(
        description="The limit in force (the tenant's own, else its package's); null: none."
    )
    used: float | None = strawberry.field(
        description="Used now (this month for MONTHLY_DOCUMENTS); null for the API rate."
    )
    percent: float | None = strawberry.field(description="used / maximum × 100.")


RolledUp = Annotated[
    bool,
    strawberry.argument(
        description="Add every tenant below this one along the tenant tree (materialised path)."
    ),
]


@strawberry.type(description="Who uses what (资源监控): one tenant's usage and quotas.")
class TenantUsage:
    report: strawberry.Private[r.TenantReport]

    @strawberry.field(description="The tenant.")
    def tenant(self) -> Tenant:
        return Tenant.from_model(self.report.tenant)

    @strawberry.field(description="Its package, limits and expiry; null: nothing allocated.")
    def allocation(self) -> TenantAllocation | None:
        row = self.report.allocation
        return TenantAllocation.of(row, self.report.package) if row else None

    @strawberry.field(description="Each limit in force, and its use.")
    def quotas(self) -> list[Quota]:
        limits = Limits(self.report.allocation, self.report.package)
        quotas = []
        for limit in m.Limit:
            maximum, used = limits.of(limit), self.report.used(limit)
            percent = 100.0 * used / maximum if maximum and used is not None else None
            quotas.append(
                Quota(
                    limit=limit,
                    maximum=maximum,
                    used=used,
                    percent=round(percent, 2) if percent is not None else None,
                )
            )
        return quotas

    @strawberry.field(
        description="Gauges now and counters so far today; `rolledUp` adds every tenant below."
    )
    def current(self, rolled_up: RolledUp = False) -> list[MeterValue]:
        return meter_values(self.report.values(rolled_up=rolled_up))

    @strawberry.field(
        description="Per day of the period, days with no usage left out; `rolledUp` adds "
        "every tenant below (along the tenant tree)."
    )
    def days(self, rolled_up: RolledUp = False) -> list[UsageDay]:
        return [
            UsageDay(day=day, values=meter_values(values))
            for day, values in self.report.history(rolled_up=rolled_up)
        ]
