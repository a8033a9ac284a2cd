"""The search index, written in the transaction of the change it reflects.

Text is segmented into words with jieba (search mode, which also emits the shorter words
inside long ones: 市政府 → 市政 政府 市政府), lower-cased and joined by spaces into `terms`;
PostgreSQL keeps a tsvector over them ('simple' configuration) and a trigram index, the
embedded database matches the same words with LIKE. `services/search/` reads the index.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jieba

from models.scope import TenantScope
from models.search import SearchEntry

WORD = re.compile(r"\w+")
MAX_CONTENT = 20_000
"""Characters of a text that are indexed (a longer body is cut)."""


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def segment(text: str) -> str:
    """The words of `text` for the index, lower case, separated by single spaces."""
    words = _tokenizer().cut_for_search(text[:MAX_CONTENT].lower())
    return " ".join(w for w in words if WORD.fullmatch(w))


def query_words(text: str) -> list[tuple[str, list[str]]]:
    """The words of a search query (precise mode), without repeats and without single
    characters next to longer words, each with the shorter words the index holds for it
    (安全检查 → 安全, 检查): every word must match, itself or all of its parts."""
    tokenizer = _tokenizer()
    words = dict.fromkeys(w for w in tokenizer.cut(text.lower()) if WORD.fullmatch(w))
    if any(len(w) > 1 for w in words):  # 的, 第, 号 … say little and are in nearly every text
        words = dict.fromkeys(w for w in words if len(w) > 1)
    return [
        (w, [p for p in dict.fromkeys(tokenizer.cut_for_search(w)) if p != w and WORD.fullmatch(p)])
        for w in words
    ]


def flatten(value: Any) -> Iterable[str]:
    """Every text and number in a JSON value."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from flatten(item)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


@dataclass(frozen=True)
class Entry:
    title: str
    content: str
    field: str = ""


async def put(
    scope: TenantScope, kind: str, subject_id: uuid.UUID, entries: Iterable[Entry]
) -> None:
    """Replace what the index holds for one subject."""
    await drop(scope, kind, subject_id)
    rows = [
        SearchEntry(
            kind=kind,
            subject_id=subject_id,
            field=e.field,
            title=e.title[:300],
            content=e.content[:MAX_CONTENT],
            terms=segment(f"{e.title}\n{e.content}"),
        )
        for e in entries
    ]
    if rows:
        await scope.bulk_create(SearchEntry, rows)


async def drop(scope: TenantScope, kind: str, subject_id: uuid.UUID) -> None:
    await scope.query(SearchEntry).filter(kind=kind, subject_id=subject_id).delete()
