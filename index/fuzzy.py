"""Typo distance: optimal string alignment (Damerau), so two swapped neighbours are one edit.

Whoosh's own fuzzy terms count a swap as two edits; these functions are used both to expand a
query word over a segment's lexicon (segments.Segment.expansions) and to decide what the
highlighter marks.
"""

from __future__ import annotations


def max_edits(word: str) -> int:
    """Edits forgiven in a word: none below 4 letters, one from 4, two from 8."""
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def within_one(a: str, b: str) -> bool:
    """Optimal string alignment distance of a and b is at most 1 (the fast common case)."""
    la, lb = len(a), len(b)
    if la == lb:
        i = 0
        while i < la and a[i] == b[i]:
            i += 1
        if i >= la - 1 or a[i + 1 :] == b[i + 1 :]:
            return True
        return a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la < lb:
        a, b, la, lb = b, a, lb, la
    if la - lb != 1:
        return False
    i = 0
    while i < lb and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i:]


def within(a: str, b: str, limit: int) -> bool:
    """Optimal string alignment distance of a and b is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[len(b)] <= limit


def is_typo_of(term: str, word: str, edits: int) -> bool:
    """``term`` is another word within ``edits`` edits of ``word``, its first letter the same
    (a typo there is rare, and checking it costs the most)."""
    if term == word or term[:1] != word[:1] or abs(len(term) - len(word)) > edits:
        return False
    return within_one(term, word) if edits == 1 else within(term, word, edits)
