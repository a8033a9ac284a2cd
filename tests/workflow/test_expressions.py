"""Safe CEL conditions: what is accepted, what is refused and why, and evaluation semantics."""

from __future__ import annotations

import pytest

from workflow import ExpressionError, compile_condition
from workflow.expressions import MAX_SOURCE_LENGTH, make_activation

FORM = {
    "amount": 20000,
    "ratio": 0.5,
    "title": "关于采购的请示",
    "applicant": {"dept": "finance", "name": "张三"},
    "items": [{"amount": 5}, {"amount": 7}],
    "tags": ["urgent", "budget"],
    "optional": None,
}
DOC = {"urgency": "urgent", "secrecy": "internal", "typeCode": "qs"}


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("form.amount > 10000", True),
        ("form.amount > 10000.5", True),  # int vs double compare numerically
        ("form.ratio == 0.5 && form.ratio < 1", True),
        ("form.amount == 20000.0", True),
        ('form.applicant.dept == "finance"', True),
        ('form["applicant"]["dept"] in ["hr", "finance"]', True),
        ('doc.urgency == "urgent" || doc.secrecy == "secret"', True),
        ('form.title.startsWith("关于")', True),
        ('form.title.contains("采购")', True),
        ("size(form.items) == 2 && form.items[1].amount > 6", True),
        ('"budget" in form.tags', True),
        ("has(form.missing)", False),
        ("has(form.missing) && form.missing > 1", False),
        ("form.optional == null", True),
        ('form.amount == "20000"', False),  # different kinds are unequal, not an error
        ('doc.typeCode.matches("^q")', True),
        ("form.amount > 100 ? form.ratio > 0.1 : false", True),
        ("!(form.amount > 10000)", False),
    ],
)
def test_evaluates(src: str, expected: bool) -> None:
    assert compile_condition(src).evaluate(FORM, DOC) is expected


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        ("__import__('os').system('rm -rf /')", "__import__"),
        ("form.__class__", "__class__"),
        ("form.a.__globals__", "__globals__"),
        ("().__class__", "syntax"),
        ("lambda x: x", "syntax"),
        ("[x for x in form.items]", "syntax"),
        ("form.items.exists(i, i.amount > 5)", "exists"),
        ("form.items.map(i, i.amount)", "map"),
        ("form.items.all(i, i.amount > 1)", "all"),
        ("os.system('x')", "unknown variable 'os'"),
        ("request.user", "unknown variable 'request'"),
        ("eval('1')", "function 'eval'"),
        ("form.title.format()", "method 'format'"),
        ("google.protobuf.Value{}", "message construction"),
        (".form.amount", "leading-dot"),
        ("form", "whole map"),
        ('"amount" in form', "whole map"),
        ("form[form.key] == 1", "string literal"),
        ("x = 1", "syntax"),
        ("import os", "syntax"),
        ("", "empty"),
        ("has(1)", "has()"),
    ],
)
def test_refused_at_compile_time_with_reason(src: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_condition(src)
    assert reason in str(info.value)
    assert info.value.source == src, "the error names the condition it refuses"


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("has()", "has() takes one field selection, e.g. has(form.x)"),
        ("has(form.a, form.b)", "has() takes one field selection, e.g. has(form.x)"),
        ("has(size(form.a))", "has() takes one field selection, e.g. has(form.x)"),
        (
            "doc",
            "'doc' must be followed by a field, e.g. doc.title (the whole map cannot be used)",
        ),
        ("form.a.unknownMethod()", "method 'unknownMethod' is not allowed"),
        ("form.__class__", "name '__class__' is not allowed (contains '__')"),
        ("os.path", "unknown variable 'os': only 'form' and 'doc' are available"),
        ("eval(form.a)", "function 'eval' is not allowed"),
        (
            "form.items.map(i, i.amount)",
            "macro 'map' (a comprehension) is not allowed; use 'in', size() or has()",
        ),
    ],
)
def test_refusals_are_worded_for_the_author(src: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_condition(src)
    assert (info.value.message, info.value.source) == (message, src)


def test_what_is_not_a_condition_or_not_data_is_refused_in_words() -> None:
    with pytest.raises(ExpressionError) as not_text:
        compile_condition(42)  # type: ignore[arg-type]
    assert not_text.value.message == "condition must be a string"
    with pytest.raises(ExpressionError) as not_json:
        make_activation({"amount": float("inf")}, {})
    assert not_json.value.message == ("form or document data is not JSON-like: non-finite number")


def test_too_long_and_too_deep_are_refused() -> None:
    long_src = " || ".join(["form.amount > 1"] * 200)
    assert len(long_src) > MAX_SOURCE_LENGTH
    with pytest.raises(ExpressionError, match="limit is 2000"):
        compile_condition(long_src)
    deep = "(" * 300 + "true" + ")" * 300
    with pytest.raises(ExpressionError, match="nested too deeply"):
        compile_condition(deep)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        compile_condition("!" * 400 + "true")


def test_referenced_fields_are_exact() -> None:
    c = compile_condition(
        'form.amount > 1 && form["applicant"].dept == "x" && size(form.items) > 0 '
        '&& form.items[0].amount > 1 && has(form.contact.phone) && doc.urgency == "u"'
    )
    assert c.referenced_fields() == {"amount", "applicant.dept", "items", "contact.phone"}
    assert c.referenced_doc_attributes() == {"urgency"}


def test_runtime_errors() -> None:
    with pytest.raises(ExpressionError, match="missing"):
        compile_condition("form.nothere > 1").evaluate(FORM, DOC)
    with pytest.raises(ExpressionError, match="not a bool"):
        compile_condition("form.amount + 1").evaluate(FORM, DOC)
    with pytest.raises(ExpressionError):
        compile_condition("form.title > 1").evaluate(FORM, DOC)
    with pytest.raises(ExpressionError):
        compile_condition("form.amount / 0 > 1").evaluate(FORM, DOC)


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("form.nothere > 1", "field 'nothere' is missing (use has() for optional fields)"),
        ("doc.x == 1", "field 'x' is missing (use has() for optional fields)"),
        ("form.amount / 0 > 1", "modulus or divide by zero"),
    ],
)
def test_evaluation_errors_name_the_condition_and_the_reason(src: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_condition(src).evaluate(FORM, DOC)
    assert (info.value.message, info.value.source) == (f"{src!r}: {message}", src)


def test_a_condition_that_is_not_a_test_or_mixes_kinds_is_an_error() -> None:
    with pytest.raises(ExpressionError) as not_bool:
        compile_condition("form.amount + 1").evaluate(FORM, DOC)
    assert not_bool.value.message == "'form.amount + 1' gave IntType, not a bool"
    assert not_bool.value.source == "form.amount + 1"
    with pytest.raises(ExpressionError) as mixed:
        compile_condition('form.amount < "5"').evaluate(FORM, DOC)
    prefix = """'form.amount < "5"': operand types do not match ("""
    assert mixed.value.message.startswith(prefix)
    assert mixed.value.message.endswith(")")
    assert "IntType" in mixed.value.message
    assert "StringType" in mixed.value.message
    assert "applied to" not in mixed.value.message


def test_compiled_conditions_are_cached_and_activation_reusable() -> None:
    assert compile_condition("form.amount > 3") is compile_condition("form.amount > 3")
    act = make_activation(FORM, DOC)
    assert compile_condition("form.amount > 3").evaluate_activation(act)
    assert not compile_condition("form.amount < 3").evaluate_activation(act)


def test_non_json_values_are_compared_as_text() -> None:
    from datetime import date

    c = compile_condition('form.when == "2025-01-02"')
    assert c.evaluate({"when": date(2025, 1, 2)}, {})
    with pytest.raises(ExpressionError):
        c.evaluate({"when": float("nan")}, {})


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("form.big == 9007199254740993", False),  # ints compare exactly, not as doubles
        ("form.big < 9007199254740993", True),
        ("form.n == 1.0", True),
        ("1.0 == form.n", True),
        ("form.n != 1.0", False),
        ("form.n > 0.5", True),
        ("0.5 < form.n", True),
        ("form.n <= 0.5", False),
        ("form.ratio != 0.5", False),
        ("form.optional != 1", True),
        ("form.optional == 1", False),
    ],
)
def test_numbers_of_either_kind_and_null_compare_as_people_expect(src: str, expected: bool) -> None:
    form = {"big": 9007199254740992, "n": 1, "ratio": 0.5, "optional": None}
    assert compile_condition(src).evaluate(form, {}) is expected


def test_ordering_a_number_and_a_string_is_an_error_naming_both_kinds() -> None:
    with pytest.raises(ExpressionError) as error:
        compile_condition('form.amount < "5"').evaluate(FORM, DOC)
    assert "operand types do not match" in error.value.message
