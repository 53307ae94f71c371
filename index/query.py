"""What a search asks and what it answers, and the limits on what may be asked.

The service layer reads MAX_QUERY, SORTS and FILTER_FIELDS from here, so that the limits the
user is told and the limits the index applies are one and the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from index.analysis import WORD_RE, fold_word, query_name_keys

# Longest query text, in characters; longer is refused with a message (QueryTooLong).
MAX_QUERY = 200
# Words of a query that count; more are a pasted paragraph, not a search.
MAX_QUERY_WORDS = 12
FACET_FIELDS = ("country", "network", "specialism", "language", "kind", "urgent", "verified")
FILTER_FIELDS = (*FACET_FIELDS, "status")
SORTS = ("relevance", "name", "country", "last_verified")
MAX_PER_PAGE = 1000


class QueryTooLong(ValueError):
    """The query text exceeds MAX_QUERY; the message is user-presentable."""

    def __init__(self) -> None:
        super().__init__(f"The search text is limited to {MAX_QUERY} characters.")


def check_length(text: str | None) -> None:
    """Refuse an over-long query before it reaches the index."""
    if len(text or "") > MAX_QUERY:
        raise QueryTooLong


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # "Find a counterpart": entries of these networks, and speakers of these languages, first.
    boost_networks: list[str] = field(default_factory=list)
    boost_languages: list[str] = field(default_factory=list)
    # The day "verified in the last stale_days days" counts from (today when None).
    today: date | None = None
    stale_days: int = 365


@dataclass
class Hit:
    id: int
    score: float
    highlights: dict[str, str]


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]


@dataclass
class QueryWords:
    """The folded words of a query, and for each word the name keys it may be part of."""

    words: list[str]
    keys: list[set[str]]

    @property
    def last(self) -> str:
        return self.words[-1] if self.words else ""


def query_words(text: str) -> QueryWords:
    found = [fold_word(m.group()) for m in WORD_RE.finditer(text)]
    found = [w for w in found if w]
    if any(len(w) > 1 for w in found):
        # One-letter words (initials, a trailing letter being typed) would make AND fail.
        found = [w for w in found if len(w) > 1]
    found = found[:MAX_QUERY_WORDS]
    return QueryWords(found, query_name_keys(found))
