"""Marking the query's words in the stored fields of a hit, as the reader sees them matched.

A word is marked when it is a query word, begins with the last query word (as-you-type), is a
typo of a query word within the forgiven edits, or shares a query word's cross-script key.
"""

from __future__ import annotations

import html
from typing import Any

from index.analysis import MAX_PREFIX, WORD_RE, fold_word, spellings
from index.fuzzy import is_typo_of, max_edits
from index.query import QueryWords
from index.schema import HIGHLIGHT_FIELDS

# Notes longer than this are cut to an excerpt around the first match.
EXCERPT = 200


class Highlighter:
    """Marks the words of one query; remembers each word's verdict, since the same words recur
    across a page's hits."""

    def __init__(self, parsed: QueryWords):
        self.words = set(parsed.words)
        self.prefix = parsed.last[:MAX_PREFIX] if len(parsed.last) >= 2 else ""
        self.keys: set[str] = set().union(*parsed.keys) if parsed.keys else set()
        self.seen: dict[str, bool] = {}

    def matches(self, word: str) -> bool:
        verdict = self.seen.get(word)
        if verdict is None:
            verdict = self.seen[word] = self._decide(word)
        return verdict

    def _decide(self, word: str) -> bool:
        if word in self.words or (self.prefix and word.startswith(self.prefix)):
            return True
        if any(is_typo_of(word, query_word, max_edits(query_word)) for query_word in self.words
               if max_edits(query_word)):  # fmt: skip
            return True
        return any(key in self.keys for key in spellings(word))

    def highlights(self, stored: dict[str, Any]) -> dict[str, str]:
        """Marked snippets of the fields that matched."""
        result = {}
        for fieldname in HIGHLIGHT_FIELDS:
            value = stored.get(fieldname) or ""
            if not value:
                continue
            spans = [(m.start(), m.end()) for m in WORD_RE.finditer(value)
                     if self.matches(fold_word(m.group()))]  # fmt: skip
            if spans:
                result[fieldname] = _mark(value, spans, fieldname == "notes")
        return result


def _mark(value: str, spans: list[tuple[int, int]], excerpt: bool) -> str:
    start, end = 0, len(value)
    if excerpt and len(value) > EXCERPT:
        start = max(0, spans[0][0] - 60)
        end = min(len(value), start + EXCERPT)
    out = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        out.append(html.escape(value[position:span_start]))
        out.append("<mark>" + html.escape(value[span_start:span_end]) + "</mark>")
        position = span_end
    out.append(html.escape(value[position:end]))
    if end < len(value):
        out.append("…")
    return "".join(out).replace("\n", " · ")
