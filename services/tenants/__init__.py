"""Tenants: the platform tenant and the system actors (`provisioning`), online registration and
its review (`registration`), and what administrators change on a tenant (`administration`)."""

from services.tenants.administration import create_tenant, set_tenant_status, update_tenant
from services.tenants.provisioning import (
    SYSTEM_USER_ID,
    ensure_platform,
    system_actor,
    tenant_system_actor,
)
from services.tenants.registration import apply_for_tenant, review_application, secret_hash

__all__ = [
    "SYSTEM_USER_ID",
    "apply_for_tenant",
    "create_tenant",
    "ensure_platform",
    "review_application",
    "secret_hash",
    "set_tenant_status",
    "system_actor",
    "tenant_system_actor",
    "update_tenant",
]
