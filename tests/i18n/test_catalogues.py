"""Every message for people is marked for translation and translated in every catalogue:
adding a message without its translations (`make messages`, then fill in the .po) fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from i18n import _
from i18n.catalogues import LOCALE_DIR, languages, negotiate, translate

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("auth", "resolvers", "schema", "server", "services", "subscriptions", "sync", "workflow")
"""The directories `make messages` extracts from (I18N_SOURCES in the Makefile)."""
PLACEHOLDER = re.compile(r"\{([^{}:!]*)[^{}]*\}")
MESSAGE_ARGUMENT = {
    "ServiceError.of": 1,
    "Problem": 1,
    "fail": 1,
    "refused": 1,
    "not_found": 0,
    "found": 3,
    "locked": 3,
    "Refused": 1,
    "HTTPException": 1,
    "Unknown": 1,
    "GraphQLError": 0,
    "PageError": 0,
    "AuthError": 0,
}
"""Callables that take a message for people, and which positional argument it is."""


def source_messages() -> set[str]:
    found: set[str] = set()
    for directory in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory, method_map=[("**.py", "python")], keywords={"_": (1,)}
        ):
            found.add(str(message))
    return found


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


def test_there_is_a_catalogue_for_every_language_but_the_source() -> None:
    assert languages() == ("zh-CN", "en")
    assert [p.parts[-3] for p in catalogues()] == ["zh_CN"]


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: p.parts[-3])
def test_every_message_is_translated(path: Path) -> None:
    with path.open("rb") as file:
        catalogue = read_po(file)
    entries = {str(m.id): m for m in catalogue if m.id}
    messages = source_messages()
    assert len(messages) > 300
    missing = sorted(messages - entries.keys())
    assert not missing, f"not in {path.name} (run `make messages` and translate): {missing}"
    stale = sorted(entries.keys() - messages)
    assert not stale, f"no longer in the code (run `make messages`): {stale}"
    untranslated = sorted(k for k, m in entries.items() if not m.string or m.fuzzy)
    assert not untranslated, f"untranslated or fuzzy in {path}: {untranslated}"
    for key, entry in entries.items():
        names = sorted(PLACEHOLDER.findall(key))
        assert sorted(PLACEHOLDER.findall(str(entry.string))) == names, (key, entry.string)


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}" if owner == "ServiceError" else func.attr
    return func.id if isinstance(func, ast.Name) else ""


def test_messages_for_people_are_marked() -> None:
    """A message written as a plain literal or f-string would reach people untranslated."""
    unmarked = []
    for directory in SOURCES:
        for path in sorted((ROOT / directory).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                index = MESSAGE_ARGUMENT.get(_called(node))
                if index is None or len(node.args) <= index:
                    continue
                argument = node.args[index]
                literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                if literal or isinstance(argument, ast.JoinedStr | ast.BinOp):
                    unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    allowed = ["server/operations.py"]  # "PersistedQueryNotFound" is read by clients as is
    assert [u for u in unmarked if u.split(":")[0] not in allowed] == []


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en", "en"),
        ("EN-us", "en"),
        ("zh-TW", "zh-CN"),
        ("de, en;q=0.2", "en"),
        ("en;q=0.5, zh;q=0.9", "zh-CN"),
        ("*", "zh-CN"),
        ("en;q=oops, zh", "zh-CN"),
    ],
)
def test_negotiate(header: str | None, language: str) -> None:
    assert negotiate(header) == language


def test_translate_renders_templates_values_and_plain_strings() -> None:
    message = _("{what} not found", what=_("Document type"))
    assert message == "Document type not found"
    assert translate(message, "zh-CN") == "公文类型不存在"
    assert translate(message, "en") == "Document type not found"
    assert translate("Sign in first", "zh-CN") == "请先登录", "a plain template is looked up too"
    assert translate("no such message", "zh-CN") == "no such message"
    later = _("{node} cannot return to {where}: choose a step", where="B")
    assert later == "{node} cannot return to B: choose a step", "{node} is filled by the engine"
