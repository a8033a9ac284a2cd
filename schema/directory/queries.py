"""Directory queries: the org unit tree, the address book and the roles of the viewer's tenant."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from models import directory as m
from resolvers import directory as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.directory.types import OrgUnit, Role, User
from schema.types import Info


@strawberry.input(description="Which org units to list.")
class OrgUnitFilter:
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only the direct children of this unit."
    )
    roots_only: bool = strawberry.field(
        default=False, description="Only the units without a parent."
    )
    under: relay.GlobalID | None = strawberry.field(
        default=None, description="This unit and everything below it."
    )
    search: str | None = strawberry.field(
        default=None,
        description=("Part of the name or code, case-insensitive."),
    )
    include_archived: bool = strawberry.field(
        default=False, description="Also units the portal deleted (archived)."
    )


@strawberry.input(description="Which users to list.")
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Name, username or email.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of an OrgUnit: only its members."
    )
    include_descendants: bool = strawberry.field(
        default=False, description="With `orgUnitId`: also the members of the units below it."
    )
    status: m.UserStatus | None = strawberry.field(
        default=None, description="Only users in this status."
    )
    role_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of a Role: only its holders."
    )


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="Org units of the viewer's tenant; roots first by default.")
    async def org_units(
        self,
        info: Info,
        filter: Annotated[
            OrgUnitFilter | None,
            strawberry.argument(description="Roots only, or a search by name or code."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[OrgUnit]:
        f = filter or OrgUnitFilter()
        page = await r.org_units(
            info.context,
            parent_id=f.parent_id,
            roots_only=f.roots_only,
            under=f.under,
            search=f.search,
            include_archived=f.include_archived,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, OrgUnit.from_model)

    @strawberry.field(description="Users of the viewer's tenant (the address book).")
    async def users(
        self,
        info: Info,
        filter: Annotated[
            UserFilter | None,
            strawberry.argument(
                description="By org unit (optionally with those below), status or role."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        f = filter or UserFilter()
        page = await r.users(
            info.context,
            search=f.search,
            org_unit_id=f.org_unit_id,
            include_descendants=f.include_descendants,
            status=f.status,
            role_id=f.role_id,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, User.from_model)

    @strawberry.field(description="Roles of the viewer's tenant.")
    async def roles(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description=("Part of the role's code or name, case-insensitive.")),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Role]:
        page = await r.roles(info.context, search=search, page=PageArgs(first, after, last, before))
        return Connection.of(page, Role.from_model)
