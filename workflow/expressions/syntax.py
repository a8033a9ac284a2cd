"""What a condition may say, checked on its CEL syntax tree before it ever runs: the
variables, functions, methods and grammar rules allowed, the limits, and the form fields and
document attributes it reads (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import celpy
import celpy.celtypes as ct
import lark

from i18n import _

__all__ = [
    "DOC_ATTRIBUTES",
    "MAX_DEPTH",
    "MAX_SOURCE_LENGTH",
    "Analysis",
    "ExpressionError",
    "check",
]

MAX_SOURCE_LENGTH = 2000
MAX_DEPTH = 200  # AST depth; a simple comparison is ~12 deep
ROOT_VARIABLES = frozenset({"form", "doc"})
#: document attributes a condition may read as ``doc.<name>``.
DOC_ATTRIBUTES = frozenset(
    {
        "title",
        "urgency",
        "secrecy",
        "initiator",
        "orgUnit",
        "typeCode",
        "number",
        "pageCount",
        "copies",
        "receivedFrom",
        "createdAt",
    }
)
FUNCTIONS = frozenset(
    {"has", "size", "int", "uint", "double", "string", "bool", "timestamp", "duration"}
)
METHODS = frozenset(
    {
        "startsWith",
        "endsWith",
        "contains",
        "matches",
        "size",
        "getFullYear",
        "getMonth",
        "getDate",
        "getDayOfMonth",
        "getDayOfWeek",
        "getDayOfYear",
        "getHours",
        "getMinutes",
        "getSeconds",
        "getMilliseconds",
    }
)
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})


class ExpressionError(ValueError):
    """A condition that cannot be compiled or evaluated. ``str()`` is a user-facing message."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


_ALLOWED_RULES = frozenset(
    {
        "expr",
        "conditionalor",
        "conditionaland",
        "relation",
        "relation_lt",
        "relation_le",
        "relation_gt",
        "relation_ge",
        "relation_eq",
        "relation_ne",
        "relation_in",
        "addition",
        "addition_add",
        "addition_sub",
        "multiplication",
        "multiplication_mul",
        "multiplication_div",
        "multiplication_mod",
        "unary",
        "unary_not",
        "unary_neg",
        "member",
        "member_dot",
        "member_dot_arg",
        "member_index",
        "primary",
        "ident_arg",
        "ident",
        "paren_expr",
        "list_lit",
        "map_lit",
        "exprlist",
        "mapinits",
        "literal",
    }
)
_REFUSED_RULES = {
    "member_object": _("message construction (Type{...}) is not allowed"),
    "fieldinits": _("message construction (Type{...}) is not allowed"),
    "dot_ident": _("leading-dot names are not allowed"),
    "dot_ident_arg": _("leading-dot function calls are not allowed"),
}


def _first_token(tree: lark.Tree) -> str:
    for c in tree.children:
        if isinstance(c, lark.Token):
            return str(c)
    return ""


def _unwrap(tree: lark.Tree) -> lark.Tree:
    """Descend single-child wrapper rules (expr → ... → member → primary → ...)."""
    while (
        tree.data in ("expr", "conditionalor", "conditionaland", "relation", "addition")
        or tree.data in ("multiplication", "unary", "member", "primary", "paren_expr")
    ) and len(tree.children) == 1:
        child = tree.children[0]
        if not isinstance(child, lark.Tree):
            break
        tree = child
    return tree


def _string_literal(tree: lark.Tree) -> str | None:
    t = _unwrap(tree)
    if t.data != "literal" or len(t.children) != 1:
        return None
    tok = t.children[0]
    if not isinstance(tok, lark.Token) or tok.type not in ("STRING_LIT", "MLSTRING_LIT"):
        return None
    try:
        value = ct.StringType(celpy.evaluation.celstr(tok))
    except Exception:
        return None
    return str(value)


def _field_path(tree: lark.Tree) -> tuple[str, list[str]] | None:
    """If tree is form.a["b"].c (or doc...), return (root, [a, b, c]) for its longest static
    prefix; None if it is not rooted at a variable."""
    t = _unwrap(tree)
    if t.data == "ident":
        return _first_token(t), []
    if t.data == "member_dot":
        inner = t.children[0]
        assert isinstance(inner, lark.Tree)
        base = _field_path(inner)
        if base is None:
            return None
        root, path = base
        return root, [*path, _first_token(t)]
    if t.data == "member_index":
        inner, index = t.children[0], t.children[1]
        assert isinstance(inner, lark.Tree)
        assert isinstance(index, lark.Tree)
        base = _field_path(inner)
        if base is None:
            return None
        key = _string_literal(index)
        root, path = base
        if key is None:
            # a list index: the path stops at the list field
            return root, [*path, "\x00"]
        return root, [*path, key]
    return None


@dataclass
class Analysis:
    fields: set[str] = field(default_factory=set)
    doc_attributes: set[str] = field(default_factory=set)


def check(src: str, tree: lark.Tree) -> Analysis:
    """Refuse what a condition may not say (ExpressionError with the reason); else what it
    reads."""
    names = _refuse_dunder_names(src, tree)
    _refuse_constructs(src, tree)
    _refuse_unknown_names(src, names)
    return _walk(src, tree)


def _refuse_dunder_names(src: str, tree: lark.Tree) -> list[lark.Tree]:
    """Names first, so `__import__("os").system(...)` is refused for its dunder name; the
    identifier nodes, for the next checks."""
    pending = [tree]
    names: list[lark.Tree] = []
    while pending:
        node = pending.pop()
        if node.data in ("ident", "ident_arg"):
            names.append(node)
        for c in node.children:
            if isinstance(c, lark.Tree):
                pending.append(c)
            elif c.type == "IDENT" and "__" in str(c):
                raise ExpressionError(
                    _("name {c} is not allowed (contains '__')", c=repr(str(c))), src
                )
    return names


def _refuse_constructs(src: str, tree: lark.Tree) -> None:
    """Constructs refused outright, and comprehension macros."""
    for node in tree.iter_subtrees_topdown():
        if node.data in _REFUSED_RULES:
            raise ExpressionError(_REFUSED_RULES[str(node.data)], src)
        if node.data == "member_dot_arg" and _first_token(node) in MACROS:
            raise ExpressionError(
                _(
                    "macro {macro} (a comprehension) is not allowed; use 'in', size() or has()",
                    macro=repr(_first_token(node)),
                ),
                src,
            )


def _refuse_unknown_names(src: str, names: list[lark.Tree]) -> None:
    for node in names:
        name = _first_token(node)
        if node.data == "ident" and name not in ROOT_VARIABLES:
            raise ExpressionError(
                _("unknown variable {name}: only 'form' and 'doc' are available", name=repr(name)),
                src,
            )
        if node.data == "ident_arg" and name not in FUNCTIONS:
            raise ExpressionError(_("function {name} is not allowed", name=repr(name)), src)


def _walk(src: str, tree: lark.Tree) -> Analysis:
    """Every rule allowed, depth within the limit, field selections recorded; iterative,
    parents before children."""
    out = Analysis()
    stack: list[tuple[lark.Tree, int, bool]] = [(tree, 1, False)]
    while stack:
        node, depth, consumed = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                _(
                    "expression is nested too deeply (more than {MAX_DEPTH} levels)",
                    MAX_DEPTH=MAX_DEPTH,
                ),
                src,
            )
        rule = str(node.data)
        _check_rule(src, node, rule, consumed)
        skip_children: set[int] = set()
        if rule in ("member_dot", "member_index") and _select(src, node, consumed, out):
            skip_children.add(0)  # the base is consumed by this selection
        for i, c in enumerate(node.children):
            if isinstance(c, lark.Tree):
                stack.append((c, depth + 1, _consumed_flag(rule, i, skip_children, consumed, c)))
    return out


def _check_rule(src: str, node: lark.Tree, rule: str, consumed: bool) -> None:
    """What the passes before (`check`) leave: constructs not allowed, a variable used whole,
    has() of something else than a field, methods. Refused constructs, macros and unknown
    names never get here."""
    if rule not in _ALLOWED_RULES:
        raise ExpressionError(_("construct {rule} is not allowed", rule=repr(rule)), src)
    name = _first_token(node)
    if rule == "ident" and not consumed:
        raise ExpressionError(
            _(
                "'{name}' must be followed by a field, e.g. {name}.title "
                "(the whole map cannot be used)",
                name=name,
            ),
            src,
        )
    if rule == "ident_arg" and name == "has":
        args = [c for c in node.children if isinstance(c, lark.Tree)]
        exprs = args[0].children if args else []
        if len(exprs) != 1 or _unwrap(cast(lark.Tree, exprs[0])).data != "member_dot":
            raise ExpressionError(_("has() takes one field selection, e.g. has(form.x)"), src)
    if rule == "member_dot_arg" and name not in METHODS:
        raise ExpressionError(_("method {name} is not allowed", name=repr(name)), src)


def _select(src: str, node: lark.Tree, consumed: bool, out: Analysis) -> bool:
    """Record the field a selection (``form.a["b"]``, ``doc.x``) reads, unless a selection
    around it already did; whether the node is a selection from a variable."""
    path = _field_path(node)
    if path is None:
        return False
    root, parts = path
    if consumed or root not in ROOT_VARIABLES:
        return True
    static = []
    for p in parts:
        if p == "\x00":
            break
        static.append(p)
    if not static:
        raise ExpressionError(
            _("'{root}' must be indexed with a string literal field name", root=root), src
        )
    if root == "form":
        out.fields.add(".".join(static))
    else:
        out.doc_attributes.add(static[0])
    return True


def _consumed_flag(
    rule: str, index: int, skip: set[int], parent_consumed: bool, child: lark.Tree
) -> bool:
    """Whether a child is the base of a field selection already recorded by its parent."""
    if index in skip:
        return True
    # single-child wrappers pass the flag down (member -> primary -> ident)
    return parent_consumed and rule in ("member", "primary")
