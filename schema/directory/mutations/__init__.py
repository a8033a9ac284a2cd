"""Directory mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.directory.mutations.assign_role import assign_role
from schema.directory.mutations.create_org_unit import create_org_unit
from schema.directory.mutations.create_role import create_role
from schema.directory.mutations.create_user import create_user
from schema.directory.mutations.delete_org_unit import delete_org_unit
from schema.directory.mutations.delete_role import delete_role
from schema.directory.mutations.delete_user import delete_user
from schema.directory.mutations.move_org_unit import move_org_unit
from schema.directory.mutations.unassign_role import unassign_role
from schema.directory.mutations.update_org_unit import update_org_unit
from schema.directory.mutations.update_role import update_role
from schema.directory.mutations.update_user import update_user


@strawberry.type
class DirectoryMutation:
    create_org_unit = create_org_unit
    update_org_unit = update_org_unit
    move_org_unit = move_org_unit
    delete_org_unit = delete_org_unit
    create_user = create_user
    update_user = update_user
    delete_user = delete_user
    create_role = create_role
    update_role = update_role
    delete_role = delete_role
    assign_role = assign_role
    unassign_role = unassign_role
