"""Safe routing conditions: CEL (Common Expression Language) through cel-python.

Why CEL: it is a standard (Kubernetes, Envoy, Firebase rules), side-effect free, has no loops
except its comprehension macros, and parses to an AST we can check statically. Python's
``eval``/``exec``/``compile`` are never used.

Variables: ``form`` (the form data) and ``doc`` (document attributes: title, urgency, secrecy,
initiator, orgUnit, typeCode, ...). Nothing else is in scope.

Accepted (checked on the AST at compile time, each refusal says why):

* literals, lists, maps, ``! - * / % + - < <= > >= == != in && || ?:``, parentheses;
* ``form.a.b`` / ``form["a"]["b"]`` / ``doc.urgency`` (a field key must be a string literal,
  and a list index a literal or an expression over fields); bare ``form``/``doc`` is refused,
  so :meth:`Condition.referenced_fields` is exact;
* functions ``has size int uint double string bool timestamp duration`` and methods
  ``startsWith endsWith contains matches size`` plus the timestamp getters
  (``matches`` is RE2, linear time).

Refused: any other identifier (``__import__``, ``os``, ...), any name containing ``__``,
message construction ``T{...}``, leading-dot names, comprehension macros (``all exists
exists_one map filter``), sources over :data:`MAX_SOURCE_LENGTH` characters and ASTs nested
deeper than :data:`MAX_DEPTH`. Without macros evaluation is linear in the size of the
expression and the values it touches.

Semantics: numbers compare across int/double (``form.amount > 10000`` holds for 10000.5), as
in current CEL. A missing field is an **error** (not null): evaluation raises
:class:`ExpressionError` naming it; write ``has(form.x) && form.x > 1`` for optional fields.
A result that is not a bool is an error too.

Cost (measured on the 2-core dev machine, Python 3.11, cel-python 0.5): compiling
``form.amount > 10000 && doc.urgency == "urgent"`` takes ~230 µs once (then ~0.1 µs from the
lru_cache); evaluating it takes ~180 µs, plus ~100 µs to convert a 12-field form and the
document to CEL values (:func:`make_activation`; the engine does it once per routing step,
not per condition). An engine step (start + submit of the 发文 template) takes ~90 µs; an
Instance JSON round trip ~20 µs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import celpy
import celpy.celtypes as ct
import lark
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

__all__ = [
    "DOC_ATTRIBUTES",
    "MAX_DEPTH",
    "MAX_SOURCE_LENGTH",
    "Activation",
    "Condition",
    "ExpressionError",
    "compile_condition",
    "make_activation",
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


# ---------------------------------------------------------------------------- numbers


def _num(v: Any) -> float | None:
    if isinstance(v, ct.BoolType):
        return None
    if isinstance(v, ct.IntType | ct.UintType | ct.DoubleType):
        return float(v)
    return None


def _mixed(op: str) -> Any:
    """Comparison that accepts int vs double (CEL's heterogeneous numeric comparison)."""

    import operator

    py = {
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
        "==": operator.eq,
        "!=": operator.ne,
    }[op]

    def compare(a: Any, b: Any) -> Any:
        if isinstance(a, CELEvalError):
            return a
        if isinstance(b, CELEvalError):
            return b
        x, y = _num(a), _num(b)
        if x is not None and y is not None and type(a) is not type(b):
            return ct.BoolType(py(x, y))
        if op in ("==", "!=") and type(a) is not type(b):
            # different kinds are simply unequal (null == 1 is false, not an error)
            return ct.BoolType(op == "!=")
        return ct.BoolType(py(a, b))

    compare.__name__ = f"compare_{op}"
    return compare


_FUNCTIONS: dict[str, Any] = {
    "_<_": _mixed("<"),
    "_<=_": _mixed("<="),
    "_>_": _mixed(">"),
    "_>=_": _mixed(">="),
    "_==_": _mixed("=="),
    "_!=_": _mixed("!="),
}

# ---------------------------------------------------------------------------- static checks

_ENV = celpy.Environment()

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
    "member_object": "message construction (Type{...}) is not allowed",
    "fieldinits": "message construction (Type{...}) is not allowed",
    "dot_ident": "leading-dot names are not allowed",
    "dot_ident_arg": "leading-dot function calls are not allowed",
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
class _Analysis:
    fields: set[str] = field(default_factory=set)
    doc_attributes: set[str] = field(default_factory=set)


def _check(src: str, tree: lark.Tree) -> _Analysis:
    out = _Analysis()
    # names first, so `__import__("os").system(...)` is refused for its dunder name
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
                raise ExpressionError(f"name {str(c)!r} is not allowed (contains '__')", src)
    # then constructs refused outright, comprehension macros, unknown names
    for node in tree.iter_subtrees_topdown():
        if node.data in _REFUSED_RULES:
            raise ExpressionError(_REFUSED_RULES[str(node.data)], src)
        if node.data == "member_dot_arg" and _first_token(node) in MACROS:
            raise ExpressionError(
                f"macro {_first_token(node)!r} (a comprehension) is not allowed; use 'in', "
                "size() or has()",
                src,
            )
    for node in names:
        name = _first_token(node)
        if node.data == "ident" and name not in ROOT_VARIABLES:
            raise ExpressionError(
                f"unknown variable {name!r}: only 'form' and 'doc' are available", src
            )
        if node.data == "ident_arg" and name not in FUNCTIONS:
            raise ExpressionError(f"function {name!r} is not allowed", src)
    # iterative walk with depth; parents are checked before children
    stack: list[tuple[lark.Tree, int, bool]] = [(tree, 1, False)]
    while stack:
        node, depth, consumed = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression is nested too deeply (more than {MAX_DEPTH} levels)", src
            )
        rule = str(node.data)
        if rule in _REFUSED_RULES:
            raise ExpressionError(_REFUSED_RULES[rule], src)
        if rule not in _ALLOWED_RULES:
            raise ExpressionError(f"construct {rule!r} is not allowed", src)
        skip_children: set[int] = set()
        if rule == "ident":
            name = _first_token(node)
            if name not in ROOT_VARIABLES:
                raise ExpressionError(
                    f"unknown variable {name!r}: only 'form' and 'doc' are available", src
                )
            if not consumed:
                raise ExpressionError(
                    f"'{name}' must be followed by a field, e.g. {name}.title "
                    "(the whole map cannot be used)",
                    src,
                )
        elif rule == "ident_arg":
            name = _first_token(node)
            if name not in FUNCTIONS:
                raise ExpressionError(f"function {name!r} is not allowed", src)
            if name == "has":
                args = [c for c in node.children if isinstance(c, lark.Tree)]
                exprs = args[0].children if args else []
                if len(exprs) != 1 or _unwrap(cast(lark.Tree, exprs[0])).data != "member_dot":
                    raise ExpressionError("has() takes one field selection, e.g. has(form.x)", src)
        elif rule == "member_dot_arg":
            name = _first_token(node)
            if name in MACROS:
                raise ExpressionError(
                    f"macro {name!r} (a comprehension) is not allowed; use 'in', size() or has()",
                    src,
                )
            if name not in METHODS:
                raise ExpressionError(f"method {name!r} is not allowed", src)
        if rule in ("member_dot", "member_index"):
            path = _field_path(node)
            if path is not None and not consumed:
                root, parts = path
                if root in ROOT_VARIABLES:
                    static = []
                    for p in parts:
                        if p == "\x00":
                            break
                        static.append(p)
                    if not static:
                        raise ExpressionError(
                            f"'{root}' must be indexed with a string literal field name", src
                        )
                    if root == "form":
                        out.fields.add(".".join(static))
                    else:
                        out.doc_attributes.add(static[0])
            if path is not None:
                skip_children.add(0)  # mark the base as consumed (below)
        for i, c in enumerate(node.children):
            if isinstance(c, lark.Tree):
                stack.append((c, depth + 1, _consumed_flag(rule, i, skip_children, consumed, c)))
    return out


def _consumed_flag(
    rule: str, index: int, skip: set[int], parent_consumed: bool, child: lark.Tree
) -> bool:
    """Whether a child is the base of a field selection already recorded by its parent."""
    if index in skip:
        return True
    # single-child wrappers pass the flag down (member -> primary -> ident)
    return parent_consumed and rule in ("member", "primary")


# ---------------------------------------------------------------------------- public API

Activation = Mapping[str, Any]


def make_activation(form: Mapping[str, Any], doc: Mapping[str, Any]) -> Activation:
    """Convert form data and document attributes to CEL values once (reuse for several
    conditions)."""
    try:
        return {
            "form": celpy.json_to_cel(_plain(form)),
            "doc": celpy.json_to_cel(_plain(doc)),
        }
    except (TypeError, ValueError) as exc:
        raise ExpressionError(f"form or document data is not JSON-like: {exc}") from exc


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("non-finite number")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # dates, decimals, UUIDs: compare as their text


@dataclass(frozen=True)
class Condition:
    """A compiled, checked condition. Immutable and shareable; see compile_condition."""

    source: str
    _fields: frozenset[str]
    _doc_attributes: frozenset[str]
    _program: Any = field(repr=False, compare=False)

    def referenced_fields(self) -> set[str]:
        """Form field paths read, e.g. {"amount", "applicant.dept"}. A path stops at a
        list index: form.items[0].amount reads "items"."""
        return set(self._fields)

    def referenced_doc_attributes(self) -> set[str]:
        return set(self._doc_attributes)

    def evaluate(self, form: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
        return self.evaluate_activation(make_activation(form, doc))

    def evaluate_activation(self, activation: Activation) -> bool:
        try:
            result = self._program.evaluate(dict(activation))
        except CELEvalError as exc:
            raise ExpressionError(f"{self.source!r}: {_eval_message(exc)}", self.source) from exc
        except (RecursionError, MemoryError):
            raise ExpressionError(f"{self.source!r}: too costly to evaluate", self.source) from None
        except Exception as exc:
            raise ExpressionError(f"{self.source!r}: {exc}", self.source) from exc
        if not isinstance(result, ct.BoolType):
            raise ExpressionError(
                f"{self.source!r} gave {type(result).__name__}, not a bool", self.source
            )
        return bool(result)


def _eval_message(exc: CELEvalError) -> str:
    args = exc.args
    msg = str(args[0]) if args else "evaluation error"
    if msg.startswith("no such member in mapping:"):
        key = msg.split(":", 1)[1].strip()
        return f"field {key} is missing (use has() for optional fields)"
    if msg.startswith("found no matching overload"):
        return "operand types do not match (" + msg.split(" applied to ", 1)[-1] + ")"
    return msg


def compile_condition(src: str) -> Condition:
    """Parse and check a condition; ExpressionError with a reason if it is not acceptable.
    Cached by source text."""
    if not isinstance(src, str):
        raise ExpressionError("condition must be a string")
    return _compile_cached(src)


@lru_cache(maxsize=2048)
def _compile_cached(src: str) -> Condition:
    if len(src) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            f"condition is {len(src)} characters long; the limit is {MAX_SOURCE_LENGTH}", src
        )
    if not src.strip():
        raise ExpressionError("condition is empty", src)
    try:
        tree = _ENV.compile(src)
    except CELParseError as exc:
        where = ""
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        if line is not None and column is not None:
            where = f" at line {line}, column {column}"
        raise ExpressionError(
            f"syntax error{where}: not a valid CEL expression: {src[:80]!r}", src
        ) from None
    except RecursionError:
        raise ExpressionError("expression is nested too deeply", src) from None
    analysis = _check(src, tree)
    program = _ENV.program(tree, functions=_FUNCTIONS)
    return Condition(
        src,
        frozenset(analysis.fields),
        frozenset(analysis.doc_attributes),
        program,
    )
