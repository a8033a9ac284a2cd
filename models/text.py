"""What text may be stored, the rule every input is checked against before anything runs."""

from __future__ import annotations

import re

FORBIDDEN_TEXT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
"""What no text input may hold: NUL and the other C0 control characters except tab, line feed and
carriage return, and lone surrogates (not encodable as UTF-8). PostgreSQL refuses NUL in text
and SQLite would store it silently, so the rule is checked before anything runs."""


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that the rule refuses, as 'U+0000'; None if all pass."""
    found = FORBIDDEN_TEXT_RE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None
