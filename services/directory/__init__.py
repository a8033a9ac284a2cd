"""The directory of a tenant: org units (`units`), users and memberships (`users`), roles and
role assignments (`roles`), and what they share (`common`). A user leaves through
`services.offboarding`, which also hands their open tasks over.

Every change is checked against the actor's `directory.manage` grants and their data scope
(分级管理): an org-unit administrator manages only the units it is anchored at (and below).
"""

from services.directory.common import active_user_ids, unit_path
from services.directory.contacts import contact_list, primary_value, with_primary
from services.directory.roles import (
    assign_role,
    create_role,
    delete_role,
    set_portal_roles,
    unassign_role,
    update_role,
)
from services.directory.units import (
    archive_org_unit,
    create_org_unit,
    delete_org_unit,
    move_org_unit,
    update_org_unit,
)
from services.directory.users import create_user, delete_user, update_user

__all__ = [
    "active_user_ids",
    "archive_org_unit",
    "assign_role",
    "contact_list",
    "create_org_unit",
    "create_role",
    "create_user",
    "delete_org_unit",
    "delete_role",
    "delete_user",
    "move_org_unit",
    "primary_value",
    "set_portal_roles",
    "unassign_role",
    "unit_path",
    "update_org_unit",
    "update_role",
    "update_user",
    "with_primary",
]
