"""The self-service office portal: service components, resources, on-demand services, themes,
layouts and the guided setup checklist."""

from services.portal.applications import (
    apply_for_service,
    approved_ids,
    review_service_application,
)
from services.portal.catalogue import (
    check_resource_connection,
    register_component,
    register_resource,
    update_resource,
)
from services.portal.checklist import (
    STEPS,
    Checklist,
    Step,
    StepState,
    StepStatus,
    setup_checklist,
)
from services.portal.layouts import (
    LayoutSource,
    ResolvedPortal,
    clear_role_layout,
    publish_layout,
    reset_my_layout,
    resolve_portal,
    rollback_layout,
    set_my_layout,
    set_role_layout,
)
from services.portal.manifests import MANIFEST_SCHEMA, validate_manifest
from services.portal.placements import COLUMNS, PlacementSpec, ResolvedPlacement, load_placements
from services.portal.probe import ConnectionCheck
from services.portal.standard import STANDARD_MANIFESTS, ensure_standard_components
from services.portal.themes import default_theme, set_theme, theme_of

__all__ = [
    "COLUMNS",
    "MANIFEST_SCHEMA",
    "STANDARD_MANIFESTS",
    "STEPS",
    "Checklist",
    "ConnectionCheck",
    "LayoutSource",
    "PlacementSpec",
    "ResolvedPlacement",
    "ResolvedPortal",
    "Step",
    "StepState",
    "StepStatus",
    "apply_for_service",
    "approved_ids",
    "check_resource_connection",
    "clear_role_layout",
    "default_theme",
    "ensure_standard_components",
    "load_placements",
    "publish_layout",
    "register_component",
    "register_resource",
    "reset_my_layout",
    "resolve_portal",
    "review_service_application",
    "rollback_layout",
    "set_my_layout",
    "set_role_layout",
    "set_theme",
    "setup_checklist",
    "theme_of",
    "update_resource",
    "validate_manifest",
]
