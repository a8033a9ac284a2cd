"""Tenant mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.tenants.mutations.apply_for_tenant import apply_for_tenant
from schema.tenants.mutations.create_tenant import create_tenant
from schema.tenants.mutations.review_tenant_application import review_tenant_application
from schema.tenants.mutations.set_tenant_status import set_tenant_status
from schema.tenants.mutations.update_tenant import update_tenant


@strawberry.type
class TenantMutation:
    apply_for_tenant = apply_for_tenant
    review_tenant_application = review_tenant_application
    create_tenant = create_tenant
    update_tenant = update_tenant
    set_tenant_status = set_tenant_status
