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

from .conditions import Activation, Condition, compile_condition, make_activation
from .syntax import DOC_ATTRIBUTES, MAX_DEPTH, MAX_SOURCE_LENGTH, ExpressionError

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
