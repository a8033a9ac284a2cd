"""Forms (表单): JSON Schema (draft 2020-12) for the data plus a UI schema, edited as a draft
and frozen when published. Documents keep the version they started with."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from i18n import _
from models.access import Actor, Permission
from models.forms import FormDefinition, FormVersion, VersionStatus
from models.scope import TenantScope
from services.errors import Code, Problem, ServiceError, require
from services.inputs import KEEP, Checks
from services.uow import transaction
from services.versions import Versioned
from subscriptions.topics import Topic

MAX_SCHEMA_BYTES = 200_000


def field_paths(schema: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of every property, nested objects included (`applicant.name`)."""
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        yield path
        if isinstance(sub, Mapping) and sub.get("type") == "object":
            yield from field_paths(sub, f"{path}.")


def schema_problems(schema: Any) -> list[Problem]:
    if not isinstance(schema, dict):
        return [Problem(Code.INVALID, _("jsonSchema must be a JSON object"), ("jsonSchema",))]
    if len(str(schema)) > MAX_SCHEMA_BYTES:
        return [Problem(Code.TOO_LONG, _("jsonSchema is too large"), ("jsonSchema",))]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        path = ("jsonSchema", *(str(p) for p in error.absolute_path))
        return [
            Problem(
                Code.INVALID, _("Not a valid JSON Schema: {message}", message=error.message), path
            )
        ]
    if schema.get("type", "object") != "object":
        return [
            Problem(Code.INVALID, _("A form schema describes an object"), ("jsonSchema", "type"))
        ]
    return []


def data_problems(
    schema: Mapping[str, Any], data: Any, *, complete: bool, field: str = "formData"
) -> list[Problem]:
    """Every error with the path of the field at fault. Drafts (`complete=False`) may still
    miss required fields; submitted data may not."""
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        if error.validator == "required" and not complete:
            continue
        path = (field, *(str(p) for p in error.absolute_path))
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = (*path, missing) if missing else path
            problems.append(
                Problem(
                    Code.REQUIRED,
                    _("{what} is required", what=missing or "a field"),
                    path,
                )
            )
        else:
            problems.append(Problem(Code.INVALID, error.message, path))
    return problems


FORMS = Versioned(
    noun="form",
    kind=_("Form"),
    definition=FormDefinition,
    version=FormVersion,
    owner="form_id",
    topic=Topic.FORM_PUBLISHED,
    content=("json_schema", "ui_schema"),
    blank={"json_schema": {"type": "object", "properties": {}}, "ui_schema": {}},
)


def _manage(actor: Actor | None) -> Actor:
    return require(actor, Permission.FORMS_MANAGE)


async def create_form(
    actor: Actor | None,
    *,
    key: str,
    name: str,
    description: str = "",
    json_schema: Any,
    ui_schema: Any = None,
) -> tuple[FormDefinition, FormVersion]:
    actor = _manage(actor)
    with Checks() as checks:
        key = checks.code(key, "key")
        name = checks.text(name, "name")
        checks.problems.extend(schema_problems(json_schema))
        if ui_schema is not None and not isinstance(ui_schema, dict):
            checks.fail(Code.INVALID, _("uiSchema must be a JSON object"), "uiSchema")
    async with transaction(actor) as work:
        return await FORMS.create(
            work,
            TenantScope(actor.tenant_id),
            key,
            {"name": name, "description": description},
            {"json_schema": json_schema, "ui_schema": ui_schema or {}},
        )


async def update_form_draft(
    actor: Actor | None,
    *,
    form_id: uuid.UUID | str,
    name: Any = KEEP,
    description: Any = KEEP,
    json_schema: Any = KEEP,
    ui_schema: Any = KEEP,
) -> tuple[FormDefinition, FormVersion]:
    actor = _manage(actor)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name")
        if json_schema is not KEEP:
            checks.problems.extend(schema_problems(json_schema))
        if ui_schema is not KEEP and not isinstance(ui_schema, dict):
            checks.fail(Code.INVALID, _("uiSchema must be a JSON object"), "uiSchema")
    return await FORMS.update_draft(
        actor,
        form_id,
        {"name": name, "description": description},
        {"json_schema": json_schema, "ui_schema": ui_schema},
    )


async def publish_form(
    actor: Actor | None, *, form_id: uuid.UUID | str
) -> tuple[FormDefinition, FormVersion]:
    return await FORMS.publish(_manage(actor), form_id, _publishable)


async def _publishable(
    scope: TenantScope, form: FormDefinition, draft: FormVersion
) -> dict[str, Any]:
    problems = schema_problems(draft.json_schema)
    if problems:
        raise ServiceError(*problems)
    return {}


async def published_version(scope: TenantScope, form_id: uuid.UUID) -> FormVersion | None:
    return (
        await scope.query(FormVersion)
        .filter(form_id=form_id, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )
