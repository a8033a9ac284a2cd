"""Statistics (统计分析) as SQL aggregates: documents per period, processing times per node and
flow, overdue tasks, workload, exchange receipts, portal access, and the open alerts.

Who sees what: a tenant admin its own tenant and the tenants below it (`tenant` argument, default
its own), the platform admin every tenant (`scope.py`). Each statement names the tenants it may
read through `models.scope.TenantSql` (`tenant_id = ANY($n)`), computed from the same rule as
`resolvers.tenants.can_see`; the platform admin's "every tenant" is the only statement without
that clause.

One statement per figure for PostgreSQL and the embedded SQLite alike: the few expressions the
two spell differently (time zones, epoch seconds, percentiles) come from `sql.Sql`, SQLite's
from the functions `models.sqlite` installs. SQLite is slower at it, not different.
"""
