"""Compiling and evaluating conditions: a :class:`Condition` is a checked CEL program,
cached by its source; numbers compare across int and double."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import celpy
import celpy.celtypes as ct
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

from i18n import _

from .syntax import MAX_SOURCE_LENGTH, ExpressionError, check

__all__ = ["Activation", "Condition", "compile_condition", "make_activation"]

_ENV = celpy.Environment()


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


def _functions() -> dict[str, Any]:
    """CEL's comparison operators, replaced (built per compiled program, which is cached)."""
    return {f"_{op}_": _mixed(op) for op in ("<", "<=", ">", ">=", "==", "!=")}


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
        raise ExpressionError(_("form or document data is not JSON-like: {exc}", exc=exc)) from exc


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
            raise ExpressionError(
                _(
                    "{source}: {_eval_message}",
                    source=repr(self.source),
                    _eval_message=_eval_message(exc),
                ),
                self.source,
            ) from exc
        except (RecursionError, MemoryError):
            raise ExpressionError(
                _("{source}: too costly to evaluate", source=repr(self.source)), self.source
            ) from None
        except Exception as exc:
            raise ExpressionError(
                _("{source}: {exc}", source=repr(self.source), exc=exc), self.source
            ) from exc
        if not isinstance(result, ct.BoolType):
            raise ExpressionError(
                _(
                    "{source} gave {__name__}, not a bool",
                    source=repr(self.source),
                    __name__=type(result).__name__,
                ),
                self.source,
            )
        return bool(result)


def _eval_message(exc: CELEvalError) -> str:
    args = exc.args
    msg = str(args[0]) if args else "evaluation error"
    if msg.startswith("no such member in mapping:"):
        key = msg.partition(":")[2].strip()
        return f"field {key} is missing (use has() for optional fields)"
    if msg.startswith("found no matching overload"):
        return "operand types do not match (" + msg.partition(" applied to ")[2] + ")"
    return msg


def compile_condition(src: str) -> Condition:
    """Parse and check a condition; ExpressionError with a reason if it is not acceptable.
    Cached by source text."""
    if not isinstance(src, str):
        raise ExpressionError(_("condition must be a string"))
    return _compile_cached(src)


@lru_cache(maxsize=2048)
def _compile_cached(src: str) -> Condition:
    if len(src) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            _(
                "condition is {count} characters long; the limit is {MAX_SOURCE_LENGTH}",
                count=len(src),
                MAX_SOURCE_LENGTH=MAX_SOURCE_LENGTH,
            ),
            src,
        )
    if not src.strip():
        raise ExpressionError(_("condition is empty"), src)
    try:
        tree = _ENV.compile(src)
    except CELParseError as exc:
        where = ""
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        if line is not None and column is not None:
            where = f" at line {line}, column {column}"
        raise ExpressionError(
            _(
                "syntax error{where}: not a valid CEL expression: {source}",
                where=where,
                source=repr(src[:80]),
            ),
            src,
        ) from None
    except RecursionError:
        raise ExpressionError(_("expression is nested too deeply"), src) from None
    analysis = check(src, tree)
    program = _ENV.program(tree, functions=_functions())
    return Condition(
        src,
        frozenset(analysis.fields),
        frozenset(analysis.doc_attributes),
        program,
    )
