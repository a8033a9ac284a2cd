"""Registering service components (by manifest) and external resources, and testing resources.

Platform admins register the standard set, shared with every tenant; tenant admins register
their own, visible only to their tenant.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import semver
from graphql import GraphQLSchema
from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, Permission
from models.portal_components import (
    HttpMethod,
    PortalComponent,
    PortalComponentVersion,
    PortalResource,
    ResourceKind,
    catalogue,
)
from models.scope import TenantScope
from services.errors import Code, ServiceError, check_version, require
from services.inputs import KEEP, Checks, apply_changes
from services.portal import probe
from services.portal.common import record, scope_of
from services.portal.manifests import Manifest, validate_manifest
from services.rows import locked
from services.uow import transaction
from subscriptions.topics import Topic

MAX_TEXT = 20000
MAX_EXAMPLE_BYTES = 16 * 1024


async def register_component(
    actor: Actor | None,
    *,
    manifest: Any,
    standard: bool = False,
    operation_schema: GraphQLSchema | None,
) -> PortalComponentVersion:
    """Register a new component, or a new version of one. Versions never change: the same
    version again is refused."""
    actor = require(actor, Permission.PLATFORM_ADMIN if standard else Permission.TENANT_ADMIN)
    checked = validate_manifest(manifest, operation_schema=operation_schema)
    async with transaction(actor) as work:
        row = await add_version(actor.tenant_id, checked, standard=standard)
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_COMPONENT_REGISTERED,
            row,
            {"key": checked.key, "version": checked.version, "standard": standard},
        )
    return row


async def add_version(
    tenant_id: uuid.UUID, manifest: Manifest, *, standard: bool
) -> PortalComponentVersion:
    scope = TenantScope(tenant_id)
    component = (
        await scope.query(PortalComponent)
        .filter(key=manifest.key)
        .select_for_update()
        .get_or_none()
    )
    if component is None:
        component = await _new_component(scope, manifest, standard=standard)
    elif component.standard != standard:
        kind = "a standard" if component.standard else "a tenant"
        raise ServiceError.of(
            Code.DUPLICATE,
            _("'{key}' is already {kind} component of your tenant", key=manifest.key, kind=kind),
            "manifest",
            "key",
        )
    elif (
        await scope.query(PortalComponentVersion)
        .filter(component_id=component.id, version=manifest.version)
        .exists()
    ):
        raise ServiceError.of(
            Code.DUPLICATE,
            _(
                "Version {version} of '{key}' is already registered and "
                "never changes; register a new version",
                version=manifest.version,
                key=manifest.key,
            ),
            "manifest",
            "version",
        )
    elif semver.Version.parse(manifest.version) > semver.Version.parse(component.latest_version):
        component.latest_version = manifest.version
        component.name = manifest.name
        component.category = manifest.category
        await component.save(update_fields=["latest_version", "name", "category", "updated_at"])
    return await _unique(
        scope.create(
            PortalComponentVersion,
            component_id=component.id,
            version=manifest.version,
            name=manifest.name,
            required_permission=manifest.required_permission,
            manifest=manifest.document,
        ),
        _(
            "Version {version} of '{key}' was registered meanwhile",
            version=manifest.version,
            key=manifest.key,
        ),
    )


async def _new_component(
    scope: TenantScope, manifest: Manifest, *, standard: bool
) -> PortalComponent:
    """A new component of the tenant; a tenant component may not take the key of a standard
    component that another tenant offers."""
    if (
        not standard
        and await catalogue(PortalComponent, scope.tenant_id)
        .filter(standard=True, key=manifest.key)
        .exclude(tenant_id=scope.tenant_id)
        .exists()
    ):
        raise ServiceError.of(
            Code.DUPLICATE,
            _("'{key}' is the key of a standard component; choose another key", key=manifest.key),
            "manifest",
            "key",
        )
    return await _unique(
        scope.create(
            PortalComponent,
            key=manifest.key,
            standard=standard,
            name=manifest.name,
            category=manifest.category,
            latest_version=manifest.version,
        ),
        _("The component '{key}' was registered meanwhile; try again", key=manifest.key),
    )


async def register_resource(
    actor: Actor | None,
    *,
    key: str,
    name: str,
    kind: ResourceKind,
    endpoint_url: str,
    method: HttpMethod = HttpMethod.GET,
    interface: str | None = None,
    help: str | None = None,
    example: Any = None,
    standard: bool = False,
    allow_loopback: bool,
) -> PortalResource:
    """Integrate an external resource (资源接入): a feed, data endpoint, process, application,
    function or page, with its interface description, help and an example."""
    actor = require(actor, Permission.PLATFORM_ADMIN if standard else Permission.TENANT_ADMIN)
    with Checks() as checks:
        key = checks.code(key, "key")
        name = checks.text(name, "name")
        endpoint_url = _endpoint(checks, endpoint_url, allow_loopback)
        interface = _long_text(checks, interface, "interface")
        help = _long_text(checks, help, "help")
        _example(checks, example)
    async with transaction(actor) as work:
        scope = scope_of(actor)
        if await scope.query(PortalResource).filter(key=key).exists():
            raise ServiceError.of(
                Code.DUPLICATE, _("The resource key '{key}' is taken", key=key), "key"
            )
        row = await _unique(
            scope.create(
                PortalResource,
                key=key,
                standard=standard,
                name=name,
                kind=kind,
                endpoint_url=endpoint_url,
                method=method,
                interface=interface,
                help=help,
                example=example,
            ),
            _("The resource key '{key}' is taken", key=key),
            "key",
        )
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_RESOURCE_REGISTERED,
            row,
            {"key": key, "kind": kind.value, "endpointUrl": endpoint_url, "standard": standard},
        )
    return row


async def update_resource(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    name: Any = KEEP,
    kind: Any = KEEP,
    endpoint_url: Any = KEEP,
    method: Any = KEEP,
    interface: Any = KEEP,
    help: Any = KEEP,
    example: Any = KEEP,
    expected_version: int | None = None,
    allow_loopback: bool,
) -> PortalResource:
    actor = require(actor, Permission.TENANT_ADMIN)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name")
        if endpoint_url is not KEEP:
            endpoint_url = _endpoint(checks, endpoint_url, allow_loopback)
        if interface is not KEEP:
            interface = _long_text(checks, interface, "interface")
        if help is not KEEP:
            help = _long_text(checks, help, "help")
        if example is not KEEP:
            _example(checks, example)
        for label, value in (("kind", kind), ("method", method)):
            if value is None:
                checks.fail(Code.REQUIRED, _("{label} must not be null", label=label), label)
    async with transaction(actor) as work:
        row = await locked(scope_of(actor), PortalResource, id, _("Resource"), "id")
        _may_manage(actor, row)
        check_version(row.version, expected_version)
        changes = apply_changes(
            row,
            name=name,
            kind=kind,
            endpoint_url=endpoint_url,
            method=method,
            interface=interface,
            help=help,
            example=example,
        )
        if changes:
            row.version += 1
            await row.save()
            record(
                work,
                actor.tenant_id,
                Topic.PORTAL_RESOURCE_UPDATED,
                row,
                {"changed": sorted(changes)},
            )
    return row


async def check_resource_connection(
    actor: Actor | None, *, id: uuid.UUID | str, allow_loopback: bool
) -> tuple[PortalResource, probe.ConnectionCheck]:
    """Call the resource (time-boxed, size-capped) and keep what came back as its last check.
    No transaction is open while the call runs."""
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = scope_of(actor)
    resource = await scope.get(PortalResource, id)
    if resource is None:
        raise ServiceError.of(Code.NOT_FOUND, _("Resource not found"), "id")
    _may_manage(actor, resource)
    result = await probe.check(
        resource.endpoint_url,
        method=resource.method.value,
        body=resource.example,
        allow_loopback=allow_loopback,
    )
    async with transaction(actor) as work:
        row = await locked(scope, PortalResource, resource.id, _("Resource"), "id")
        row.last_check = result.as_dict()
        await row.save(update_fields=["last_check", "updated_at"])
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_RESOURCE_TESTED,
            row,
            {
                "ok": result.ok,
                "status": result.status,
                "address": result.address,
                "error": result.error,
            },
        )
    return row, result


def _may_manage(actor: Actor, resource: PortalResource) -> None:
    if resource.standard and not actor.is_platform_admin:
        raise ServiceError.of(
            Code.FORBIDDEN, _("Only platform administrators manage standard resources")
        )


def _endpoint(checks: Checks, value: str | None, allow_loopback: bool) -> str:
    cleaned = checks.text(value, "endpointUrl", max_length=2000)
    if cleaned:
        problem = probe.url_problem(cleaned, allow_loopback=allow_loopback)
        if problem:
            checks.fail(Code.INVALID, _("endpointUrl {problem}", problem=problem), "endpointUrl")
    return cleaned


def _example(checks: Checks, example: Any) -> None:
    if len(orjson.dumps(example)) > MAX_EXAMPLE_BYTES:
        checks.fail(
            Code.TOO_LONG,
            _(
                "example is larger than {kib} KiB",
                kib=MAX_EXAMPLE_BYTES // 1024,
            ),
            "example",
        )


def _long_text(checks: Checks, value: str | None, field: str) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) > MAX_TEXT:
        checks.fail(
            Code.TOO_LONG,
            _("{field} is longer than {MAX_TEXT} characters", field=field, MAX_TEXT=MAX_TEXT),
            field,
        )
    return cleaned


async def _unique(awaitable: Any, message: str, *field: str) -> Any:
    """The database's unique constraints decide races our pre-checks cannot."""
    try:
        return await awaitable
    except IntegrityError as exc:
        raise ServiceError.of(Code.DUPLICATE, message, *field) from exc
