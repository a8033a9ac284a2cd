"""Messages for people, in the language each request asks for.

Code writes a message once, in English, as ``_("The package code '{code}' is taken", code=c)``:
a :class:`Text`, which is the English string (so logs, exceptions and tests read as before)
and keeps its template and values. The server renders it in the request's language at one
point (:func:`i18n.catalogues.translate`), from the Babel catalogues in ``i18n/locale``.
Imports nothing of ours, so every layer (``workflow/`` included) may mark its messages.
"""

from __future__ import annotations

from typing import Any


class _Later(dict[str, Any]):
    """Values for a template whose other placeholders are filled later (`{node}` by the flow
    engine's `refuse`): those stay as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Text(str):
    """An English message that remembers its template and values for translation."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any]) -> Text:
        text = super().__new__(cls, template.format_map(_Later(params)) if params else template)
        text.template = template
        text.params = params
        return text


def text_of(error: BaseException) -> str:
    """The message of an exception raised with a :class:`Text` (kept for translation), else
    its string."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Text) else str(error)


def _(template: str, /, **params: Any) -> Text:
    """A message for people; `pybabel extract` collects every template written this way."""
    return Text(template, params)


__all__ = ["Text", "_", "text_of"]
