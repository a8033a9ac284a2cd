"""The check that the viewer may use the service component (服务组件) each root field of an
operation belongs to (门户访问授权), and the count of their use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from i18n import _
from resolvers import sso as r

DEFAULT_COMPONENT = "portal"
FIELD_COMPONENTS: dict[str, str] = {
    "accessStats": "stats",
    "accessEvents": "stats",
}
"""Root field -> service component key. Fields not listed belong to "portal" (the base)."""


def component_of(field_name: str) -> str:
    return FIELD_COMPONENTS.get(field_name, DEFAULT_COMPONENT)


class ComponentAccess(SchemaExtension):
    """Refuses an operation whose root fields belong to a component the viewer may not use
    (FORBIDDEN, nothing runs), and counts the use of the components it touches."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        viewer = getattr(context, "viewer", None)
        document = self.execution_context.graphql_document
        if viewer is not None and document is not None:
            fields = _root_fields(document, self.execution_context.operation_name)
            components = {component_of(name) for name in fields}
            refused = sorted(c for c in components if not viewer.access.allows(c))
            if refused:
                self.execution_context.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            _(
                                "You may not use the service component '{c}' of Officecloud: "
                                "the tenant's portal access rules (门户访问授权) do not grant it "
                                "to you",
                                c=c,
                            ),
                            path=[next(n for n in fields if component_of(n) == c)],
                            extensions={"code": "FORBIDDEN"},
                        )
                        for c in refused
                    ],
                )
            else:
                for component in components:
                    r.count_use(viewer, component)
        yield


def _root_fields(document: Any, operation_name: str | None) -> list[str]:
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ),
        None,
    )
    if chosen is None:
        return []
    names: list[str] = []

    def walk(selection_set: SelectionSetNode, seen: set[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    walk(fragments[name].selection_set, seen | {name})

    walk(chosen.selection_set, set())
    return names
