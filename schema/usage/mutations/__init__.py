"""Usage mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.usage.mutations.assign_service_package import assign_service_package
from schema.usage.mutations.create_service_package import create_service_package
from schema.usage.mutations.set_tenant_limits import set_tenant_limits
from schema.usage.mutations.update_service_package import update_service_package


@strawberry.type
class UsageMutation:
    create_service_package = create_service_package
    update_service_package = update_service_package
    assign_service_package = assign_service_package
    set_tenant_limits = set_tenant_limits
