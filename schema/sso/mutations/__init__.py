"""Portal sign-in mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.sso.mutations.create_access_rule import create_access_rule
from schema.sso.mutations.create_scim_token import create_scim_token
from schema.sso.mutations.delete_access_rule import delete_access_rule
from schema.sso.mutations.revoke_scim_token import revoke_scim_token
from schema.sso.mutations.rotate_scim_token import rotate_scim_token
from schema.sso.mutations.update_access_rule import update_access_rule


@strawberry.type
class SsoMutation:
    create_access_rule = create_access_rule
    update_access_rule = update_access_rule
    delete_access_rule = delete_access_rule
    create_scim_token = create_scim_token
    rotate_scim_token = rotate_scim_token
    revoke_scim_token = revoke_scim_token
