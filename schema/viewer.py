"""Who is asking: the signed-in user, its tenant and its effective permissions."""

from __future__ import annotations

from typing import cast

import strawberry

from models.access import Permission
from schema.directory.types import User
from schema.tenants.types import Tenant
from schema.types import Info


@strawberry.type(name="Viewer", description="The signed-in user (当前用户).")
class Viewer:
    user: User = strawberry.field(
        description=("The signed-in user; null for a platform token without a user row.")
    )
    tenant: Tenant = strawberry.field(description="The tenant (部门) the token signed in to.")
    permissions: list[Permission] = strawberry.field(
        description=(
            "Every permission the viewer holds through her roles, whatever the data scope."
        )
    )
    is_platform_admin: bool = strawberry.field(
        description="True for the platform operator (平台管理员)."
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The signed-in user; null for anonymous requests.")
    def viewer(self, info: Info) -> Viewer | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        return Viewer(
            user=User.from_model(viewer.user),
            tenant=Tenant.from_model(viewer.tenant),
            permissions=cast(list[Permission], sorted(viewer.actor.permissions)),
            is_platform_admin=viewer.actor.is_platform_admin,
        )
