"""Reads behind the form fields (表单)."""

from __future__ import annotations

from typing import Any

from models.forms import FormDefinition, FormVersion
from resolvers.dataloaders import ById, GroupedBy
from services import forms


class FormById(ById[FormDefinition]):
    model = FormDefinition


class FormVersionById(ById[FormVersion]):
    model = FormVersion


class VersionsByForm(GroupedBy[FormVersion]):
    model, key, order = FormVersion, "form_id", ("number",)


def field_paths(schema: dict[str, Any]) -> list[str]:
    return list(forms.field_paths(schema))
