"""Reads behind the flow fields (流程)."""

from __future__ import annotations

from typing import Any

import workflow
from models.flows import FlowDefinition, FlowVersion
from resolvers.dataloaders import ById, GroupedBy
from services.documents import types


class FlowById(ById[FlowDefinition]):
    model = FlowDefinition


class FlowVersionById(ById[FlowVersion]):
    model = FlowVersion


class VersionsByFlow(GroupedBy[FlowVersion]):
    model, key, order = FlowVersion, "flow_id", ("number",)


def templates() -> list[tuple[str, str, dict[str, Any]]]:
    return [(key, t["name"], t["flow"]().to_json()) for key, t in types.TEMPLATES.items()]


def bpmn_xml(definition: dict[str, Any]) -> str:
    parsed, _ = workflow.parse_definition(definition)
    return workflow.export_bpmn(parsed) if parsed else ""


def bpmn_notes(definition: dict[str, Any]) -> list[str]:
    """What of the flow its BPMN export keeps only in `oc:` extensions."""
    parsed, _ = workflow.parse_definition(definition)
    return [p.message for p in workflow.export_notes(parsed)] if parsed else []
