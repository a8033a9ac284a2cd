"""Building a plan: graphql-core's field collection over the operation, once, with each field
classified (plain attribute, `__typename`, a Node's `id`, a resolver) and its completion chosen
by its GraphQL type. Raises `GiveWay` for anything it does not handle."""

from __future__ import annotations

import inspect
from operator import attrgetter
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Visitor,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    visit,
)
from graphql.pyutils import Path
from strawberry import relay

from schema.compiled.plan import (
    NODE_ID,
    PLAIN,
    RESOLVE,
    TYPENAME,
    Complete,
    FieldPlan,
    GiveWay,
    ObjectPlan,
    gather_list,
    leaf,
    settle,
)


class Compiler:
    """Builds the plan of one operation against one schema (None: not compilable)."""

    def __init__(
        self,
        schema: Any,
        fragments: dict[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.operation = operation

    def root(self) -> ObjectPlan | None:
        if self.operation.operation is not OperationType.QUERY or _has_directives(
            self.operation, self.fragments
        ):
            return None
        root_type = self.schema.query_type
        try:
            return self.object_plan(root_type, [self.operation.selection_set])
        except GiveWay:
            return None

    def object_plan(self, gtype: GraphQLObjectType, sets: list[SelectionSetNode]) -> ObjectPlan:
        fields = []
        for key, nodes in self.collect(gtype, sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                fields.append(FieldPlan(key, TYPENAME, nodes, None))
                continue
            field_def = gtype.fields.get(name)
            if field_def is None or name.startswith("__"):
                raise GiveWay
            fields.append(self.field_plan(gtype, key, nodes, field_def))
        return ObjectPlan(gtype, fields)

    def field_plan(
        self, gtype: GraphQLObjectType, key: str, nodes: list[FieldNode], field_def: Any
    ) -> FieldPlan:
        definition = field_def.extensions.get("strawberry-definition")
        resolve = field_def.resolve
        kind = RESOLVE
        if getattr(resolve, "_is_default", False) and definition is not None:
            kind = PLAIN
        elif is_node_id(definition, gtype):
            kind = NODE_ID
        plan = FieldPlan(key, kind, nodes, field_def)
        if kind is PLAIN:
            plan.getter = attrgetter(definition.python_name)
        elif kind is NODE_ID:
            origin = gtype.extensions["strawberry-definition"].origin
            plan.getter = attrgetter(origin.resolve_id_attr())
        sub = [n.selection_set for n in nodes if n.selection_set]
        plan.complete = self.completer(field_def.type, sub, abstract_ok=kind is RESOLVE)
        plan.may_wait = kind is RESOLVE or not is_leaf_type(get_named_type(field_def.type))
        return plan

    def completer(self, gtype: Any, sub: list[SelectionSetNode], *, abstract_ok: bool) -> Complete:
        if isinstance(gtype, GraphQLNonNull):
            inner = self.completer(gtype.of_type, sub, abstract_ok=abstract_ok)

            def non_null(ex: Any, value: Any, path: Path, info: Any) -> Any:
                if value is None:
                    raise GiveWay
                return inner(ex, value, path, info)

            return non_null
        if isinstance(gtype, GraphQLList):
            return self._list(gtype, sub, abstract_ok=abstract_ok)
        if is_leaf_type(gtype):
            return leaf(gtype)
        if is_object_type(gtype):
            plan = self.object_plan(gtype, sub)

            def obj(ex: Any, value: Any, path: Path, info: Any) -> Any:
                return None if value is None else plan.execute(ex, value, path)

            return obj
        if is_abstract_type(gtype) and abstract_ok:
            return self._abstract(gtype, sub)
        raise GiveWay

    def _list(self, gtype: GraphQLList[Any], sub: list[SelectionSetNode], **kw: Any) -> Complete:
        item = self.completer(gtype.of_type, sub, **kw)
        leaf = is_leaf_type(get_named_type(gtype.of_type))

        def complete_list(ex: Any, value: Any, path: Path, info: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
                raise GiveWay
            if leaf:
                return [item(ex, v, None, info) for v in value]
            items: list[Any] = []
            try:
                for i, v in enumerate(value):
                    items.append(item(ex, v, Path(path, i, None), info))
            except Exception as exc:
                started = [v for v in items if ex.is_awaitable(v)]
                if started:
                    return settle(exc, started)
                raise
            where = [i for i, v in enumerate(items) if ex.is_awaitable(v)]
            return gather_list(items, where) if where else items

        return complete_list

    def _abstract(self, gtype: Any, sub: list[SelectionSetNode]) -> Complete:
        plans: dict[str, ObjectPlan] = {}

        def complete_abstract(ex: Any, value: Any, path: Path, info: Any) -> Any:
            if value is None:
                return None
            resolve_type = gtype.resolve_type
            if resolve_type is None:
                raise GiveWay
            name = resolve_type(value, info, gtype)
            if inspect.isawaitable(name) or not isinstance(name, str):
                raise GiveWay
            plan = plans.get(name)
            if plan is None:
                runtime = self.schema.get_type(name)
                if not is_object_type(runtime) or not self.schema.is_sub_type(gtype, runtime):
                    raise GiveWay
                plan = plans[name] = self.object_plan(runtime, sub)
            return plan.execute(ex, value, path)

        return complete_abstract

    def collect(
        self, runtime: GraphQLObjectType, sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """graphql-core's field collection (no directives reach here): fields by response
        key in order of first appearance, fragments whose condition the runtime type meets."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if self.applies(selection.type_condition, runtime):
                        walk(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments.get(name)
                    if fragment is not None and self.applies(fragment.type_condition, runtime):
                        walk(fragment.selection_set)

        for selection_set in sets:
            walk(selection_set)
        return fields

    def applies(self, condition: Any, runtime: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        wanted = self.schema.get_type(condition.name.value)
        if wanted is runtime:
            return True
        return bool(is_abstract_type(wanted) and self.schema.is_sub_type(wanted, runtime))


def is_node_id(definition: Any, gtype: GraphQLObjectType) -> bool:
    """The `id` field of a relay Node whose class keeps strawberry's `resolve_id` and
    `resolve_typename`: its value is `to_base64(<type name>, str(<id attribute>))`."""
    if definition is None or definition.base_resolver is None:
        return False
    if getattr(definition.base_resolver.wrapped_func, "__func__", None) is not _NODE_ID:
        return False
    origin = getattr(gtype.extensions.get("strawberry-definition"), "origin", None)
    return (
        isinstance(origin, type)
        and issubclass(origin, relay.Node)
        and origin.resolve_id.__func__ is relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        and origin.resolve_typename.__func__ is relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    )


_NODE_ID = relay.Node.__dict__["_id"].__func__


def _has_directives(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    found = False

    class Directives(Visitor):
        def enter_directive(self, *_: Any) -> Any:
            nonlocal found
            found = True
            return Visitor.BREAK

    for node in (operation, *fragments.values()):
        visit(node, Directives())
    return found
