"""The small helpers everything else leans on, each pinned: the engine's refusal as text, how a
message names a node, BPMN's qualified names and booleans, an element written with empty text,
form field paths, and who a node's copies (cc) go to."""

from __future__ import annotations

from tests.workflow.support import chain, task
from workflow import EngineError, UsersRule, copy_users, field_known
from workflow.bpmn.element import El
from workflow.bpmn.names import B, flag, local, qname
from workflow.errors import label


def test_an_engine_error_reads_as_code_and_message_and_keeps_its_task() -> None:
    error = EngineError("NO_ROUTE", "No way on", task_id="t1", node_id="x")
    assert str(error) == "NO_ROUTE: No way on"
    assert (error.code, error.message, error.task_id, error.node_id) == (
        "NO_ROUTE",
        "No way on",
        "t1",
        "x",
    )


def test_a_node_is_named_by_its_name_else_its_id() -> None:
    defn = chain(task("review", "r1"), {**task("sign", "s1"), "name": ""})
    assert label(defn, "review") == "Review"
    assert label(defn, "sign") == "sign"
    assert label(defn, "gone") == "gone"


def test_qualified_names_and_booleans_of_bpmn() -> None:
    assert local("plain") == ("", "plain")
    assert local("{urn:x}a}b") == ("urn:x", "a}b")
    assert qname("userTask") == "userTask"
    assert qname(B + "userTask") == "bpmn:userTask"
    assert qname("{urn:x}thing") == "{urn:x}thing"
    assert [flag(v) for v in ("true", "1", " YES ", "yes", "no", "0", "")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert flag(None) is None


def test_an_element_with_empty_text_is_written_open_and_closed() -> None:
    out: list[str] = []
    El("root", children=[El("a", text=""), El("b", {"k": "v&"})]).write(out, 0)
    assert out == ["<root>", "  <a></a>", '  <b k="v&amp;" />', "</root>"]


def test_a_field_below_a_known_field_is_known_unless_its_children_are_listed() -> None:
    assert field_known("a.b.c", {"a"})
    assert field_known("a.b.c", {"a.b"})
    assert not field_known("a.b.c", {"a", "a.x"})
    assert not field_known("z.b", {"a"})


def test_copies_go_to_the_users_named_once_each() -> None:
    assert copy_users(UsersRule(ids=["u1", "u2", "u1", ""]), ("h",), {}) == ("u1", "u2")
