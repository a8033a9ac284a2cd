"""The translation point: Babel catalogues (``i18n/locale/<lang>/LC_MESSAGES/messages.po``,
read at first use: nothing to compile) and the choice of language from `Accept-Language`."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from i18n import Text

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE = "en"
"""The language messages are written in; it needs no catalogue."""
DEFAULT = "zh-CN"
"""The language of a request that asks for none we have."""
_TAG = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def languages() -> tuple[str, ...]:
    """Every language a message can be answered in: the source and each catalogue's."""
    found = sorted(p.name.replace("_", "-") for p in LOCALE_DIR.iterdir() if p.is_dir())
    return (DEFAULT, *(lang for lang in (SOURCE, *found) if lang != DEFAULT))


@cache
def catalogue(language: str) -> dict[str, str]:
    """Template → translation, without fuzzy or empty entries (those fall back to English)."""
    path = LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    if language == SOURCE or not path.exists():
        return {}
    with path.open("rb") as file:
        found = read_po(file)
    return {
        str(m.id): str(m.string)
        for m in found
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translate(message: str, language: str) -> str:
    """`message` in `language`: a :class:`Text` by its template (its values translated too),
    a plain string when it is a template of the catalogue, anything else as it is."""
    table = catalogue(language)
    if isinstance(message, Text):
        template = table.get(message.template, message.template)
        if not message.params:
            return template
        values = {
            k: translate(v, language) if isinstance(v, str) else v
            for k, v in message.params.items()
        }
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):  # a bad translation costs the English, not a 500
            return str.__str__(message)
    return table.get(message, message)


@lru_cache(maxsize=256)  # headers come from clients: bounded
def negotiate(accept_language: str | None) -> str:
    """The language to answer in for an `Accept-Language` header (RFC 9110 §12.5.4): the
    highest-weighted tag whose primary language we have (``zh``, ``zh-TW`` and ``zh-Hans``
    mean ``zh-CN``), else the default."""
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "")[:500].split(",")):
        match = _TAG.match(part)
        if not match:
            continue
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if weight > 0:
            wanted.append((-weight, i, match.group(1).lower()))
    have = {lang.split("-")[0].lower(): lang for lang in languages()}
    for _weight, _i, tag in sorted(wanted):
        if tag == "*":
            return DEFAULT
        if tag.split("-")[0] in have:
            return have[tag.split("-")[0]]
    return DEFAULT
