"""Portal mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.portal.mutations.apply_for_portal_service import apply_for_portal_service
from schema.portal.mutations.clear_role_portal_layout import clear_role_portal_layout
from schema.portal.mutations.publish_portal_layout import publish_portal_layout
from schema.portal.mutations.register_portal_component import register_portal_component
from schema.portal.mutations.register_portal_resource import register_portal_resource
from schema.portal.mutations.reset_my_portal_layout import reset_my_portal_layout
from schema.portal.mutations.review_portal_service_application import (
    review_portal_service_application,
)
from schema.portal.mutations.rollback_portal_layout import rollback_portal_layout
from schema.portal.mutations.set_my_portal_layout import set_my_portal_layout
from schema.portal.mutations.set_portal_theme import set_portal_theme
from schema.portal.mutations.set_role_portal_layout import set_role_portal_layout
from schema.portal.mutations.test_portal_resource_connection import test_portal_resource_connection
from schema.portal.mutations.update_portal_resource import update_portal_resource


@strawberry.type
class PortalMutation:
    register_portal_component = register_portal_component
    register_portal_resource = register_portal_resource
    update_portal_resource = update_portal_resource
    test_portal_resource_connection = test_portal_resource_connection
    apply_for_portal_service = apply_for_portal_service
    review_portal_service_application = review_portal_service_application
    set_portal_theme = set_portal_theme
    publish_portal_layout = publish_portal_layout
    rollback_portal_layout = rollback_portal_layout
    set_role_portal_layout = set_role_portal_layout
    clear_role_portal_layout = clear_role_portal_layout
    set_my_portal_layout = set_my_portal_layout
    reset_my_portal_layout = reset_my_portal_layout
