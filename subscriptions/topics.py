"""Every topic written to the outbox, and the id encoding of event payloads.

`Work.emit` takes only a `Topic`, so this enum is the list of what the code emits;
docs/events.md documents each one with its payload (tests/server/test_docs.py compares the two).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from enum import StrEnum


class Topic(StrEnum):
    ORG_UNIT_CREATED = "directory.org_unit.created"
    ORG_UNIT_UPDATED = "directory.org_unit.updated"
    ORG_UNIT_MOVED = "directory.org_unit.moved"
    ORG_UNIT_DELETED = "directory.org_unit.deleted"
    ORG_UNIT_ARCHIVED = "directory.org_unit.archived"
    USER_CREATED = "directory.user.created"
    USER_UPDATED = "directory.user.updated"
    USER_DELETED = "directory.user.deleted"
    USER_DEPROVISIONED = "directory.user.deprovisioned"
    ROLE_CREATED = "directory.role.created"
    ROLE_UPDATED = "directory.role.updated"
    ROLE_DELETED = "directory.role.deleted"
    ROLE_ASSIGNED = "directory.role.assigned"
    ROLE_UNASSIGNED = "directory.role.unassigned"
    DIRECTORY_SYNCED = "directory.synced"
    TENANT_APPLIED = "tenant.applied"
    TENANT_APPLICATION_DECIDED = "tenant.application_decided"
    TENANT_PROVISIONED = "tenant.provisioned"
    TENANT_UPDATED = "tenant.updated"
    TENANT_STATUS_CHANGED = "tenant.status_changed"
    FORM_PUBLISHED = "form.published"
    FLOW_PUBLISHED = "flow.published"
    DOCUMENT_STATUS_CHANGED = "document.status_changed"
    DOCUMENT_NUMBER_VOIDED = "document.number_voided"
    TASK_CHANGED = "task.changed"
    TASK_NOTIFIED = "task.notified"
    NOTICE_CHANGED = "notice.changed"
    NOTICE_READ = "notice.read"
    NOTICE_REMINDED = "notice.reminded"
    PUBLICATION_CHANGED = "publication.changed"
    ARTICLE_CHANGED = "publication.article_changed"
    ISSUE_CHANGED = "publication.issue_changed"
    NOTIFICATION_CREATED = "notification.created"
    EXCHANGE_RECIPIENT_CHANGED = "exchange.recipient_changed"
    EXCHANGE_INCOMING = "exchange.incoming"
    ALERT_RAISED = "alert.raised"
    ALERT_RESOLVED = "alert.resolved"
    ACCESS_RULES_CHANGED = "sso.access_rules_changed"
    PORTAL_COMPONENT_REGISTERED = "portal.component_registered"
    PORTAL_RESOURCE_REGISTERED = "portal.resource_registered"
    PORTAL_RESOURCE_UPDATED = "portal.resource_updated"
    PORTAL_RESOURCE_TESTED = "portal.resource_tested"
    PORTAL_SERVICE_APPLIED = "portal.service_applied"
    PORTAL_SERVICE_APPROVED = "portal.service_approved"
    PORTAL_SERVICE_REJECTED = "portal.service_rejected"
    PORTAL_THEME_CHANGED = "portal.theme_changed"
    PORTAL_LAYOUT_PUBLISHED = "portal.layout_published"
    PORTAL_LAYOUT_ROLLED_BACK = "portal.layout_rolled_back"
    PORTAL_ROLE_LAYOUT_SET = "portal.role_layout_set"
    PORTAL_ROLE_LAYOUT_CLEARED = "portal.role_layout_cleared"
    PORTAL_PERSONAL_LAYOUT_SET = "portal.personal_layout_set"
    PORTAL_PERSONAL_LAYOUT_RESET = "portal.personal_layout_reset"
    CALENDAR_EVENT_CHANGED = "calendar.event_changed"
    CALENDAR_INVITED = "calendar.invited"
    CALENDAR_RESPONDED = "calendar.responded"
    CALENDAR_REMINDER = "calendar.reminder"
    CALENDAR_SHARED = "calendar.shared"
    NOTE_CHANGED = "calendar.note_changed"
    CONTACT_CHANGED = "calendar.contact_changed"
    BOOKING_RESOURCE_CHANGED = "booking.resource_changed"
    BOOKING_CHANGED = "booking.changed"


def global_id(type_name: str, key: uuid.UUID | str) -> str:
    """The Relay global id a client passes to `node(id:)`: base64 of "Type:uuid", exactly as
    strawberry's `GlobalID` renders it. Every row id in a payload is one of these."""
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def global_ids(type_name: str, keys: Iterable[uuid.UUID | str]) -> list[str]:
    return [global_id(type_name, k) for k in keys]
