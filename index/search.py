"""Safe query building, filters, facets, sorting, paging and highlighting over one searcher.

User text never reaches Whoosh's query parser: it is cut into folded words (analysis.words) and
each word becomes an OR of Term queries built here, with boosts that encode the ranking rules
(names > organisation/title > notes; exact > cross-script key > typo > prefix). Scores ignore
term frequency and length, so those classes, not word statistics, decide the order.

Everything derived from the index that many queries reuse (facet value -> docnums, sort ranks,
filter results, typo expansions) is cached on a ``Snapshot``, one per Whoosh searcher; a new
snapshot is made when the searcher is refreshed.
"""

from __future__ import annotations

import heapq
import html
from dataclasses import dataclass, field
from datetime import date, timedelta

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from index.analysis import _WORD_RE, MAX_NGRAM, fold_word, query_name_keys, skeleton
from index.schema import HIGHLIGHT_FIELDS, META_ID

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
FACET_FIELDS = ("country", "network", "specialism", "language", "kind", "urgent", "verified")
FILTER_FIELDS = FACET_FIELDS + ("status",)
SORTS = ("relevance", "name", "country", "last_verified")

# Ranking ladder: the boost of a Term decides its class, idf only breaks ties within a class.
EXACT_BOOSTS = {
    "name": 10.0,
    "native_name": 10.0,
    "organisation": 4.0,
    "title": 4.0,
    "city": 4.0,
    "emails": 4.0,
    "place": 3.0,
    "matter": 3.0,
    "speaks": 3.0,
    "notes": 1.0,
}
KEY_BOOST = 3.0
PREFIX_BOOST = 2.5
# Typos: fraction of the exact boost, only in fields where typos are likely and lexicons small.
FUZZY_FACTOR = 0.5
FUZZY_FIELDS_LATIN = ("name", "organisation", "city")
FUZZY_FIELDS_ARABIC = ("native_name", "organisation")
NETWORK_BOOST = 0.6  # "find a counterpart": score multiplier 1 + this for a preferred network
LANGUAGE_BOOST = 0.3


class QueryTooLong(ValueError):
    """The query text exceeds MAX_QUERY_CHARS; the message is user-presentable."""


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    boost_networks: list[str] = field(default_factory=list)
    boost_languages: list[str] = field(default_factory=list)
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


# --- scoring ----------------------------------------------------------------------------------


class _ClassScorer(scoring.BaseScorer):
    def __init__(self, value: float):
        self.value = value

    def supports_block_quality(self):
        return False

    def score(self, matcher):
        return self.value

    def max_quality(self):
        return self.value


class ClassWeighting(scoring.WeightingModel):
    """Score = 1 + idf/20 (idf capped at 10), times the Term's boost: a rare exact word beats a
    common exact word, but no word statistics lift a fuzzy match above an exact one."""

    def supports_block_quality(self):
        return False

    def scorer(self, searcher, fieldname, text, qf=1):
        return _ClassScorer(1.0 + min(searcher.idf(fieldname, text), 10.0) / 20.0)


# --- typo expansion (Damerau: a swap of neighbours is one edit) ---------------------------------


def max_edits(word: str) -> int:
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def _swaps(word: str) -> list[str]:
    # The first letter stays fixed, as in the Levenshtein expansion (prefixlength=1).
    return [
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(1, len(word) - 1)
        if word[i] != word[i + 1]
    ]


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


# --- per-searcher caches ------------------------------------------------------------------------


class Snapshot:
    """One Whoosh searcher plus what we derived from it. Not thread-safe: callers hold a lock."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self._values: dict[str, dict[str, set[int]]] = {}
        self._live: set[int] | None = None
        self._columns: dict[str, list] = {}
        self._ranks: dict[str, list[int]] = {}
        self._orders: dict[str, list[int]] = {}
        self._filters: dict[tuple, set[int]] = {}
        self._verified: dict[int, set[int]] = {}
        self._fuzzy: dict[tuple[str, str, int], list[str]] = {}
        self._facets: dict[tuple, dict] = {}

    def close(self):
        self.searcher.close()

    @property
    def doc_count(self) -> int:
        return self.reader.doc_count_all()

    def live(self) -> set[int]:
        if self._live is None:
            live = set(self.reader.all_doc_ids())
            if ("id", META_ID) in self.reader:
                live.difference_update(self.reader.postings("id", META_ID).all_ids())
            self._live = live
        return self._live

    def values(self, fieldname: str) -> dict[str, set[int]]:
        cached = self._values.get(fieldname)
        if cached is None:
            cached = {}
            for btext in self.reader.lexicon(fieldname):
                text = btext.decode("utf-8")
                cached[text] = set(self.reader.postings(fieldname, btext).all_ids())
            self._values[fieldname] = cached
        return cached

    def column(self, fieldname: str) -> list:
        cached = self._columns.get(fieldname)
        if cached is None:
            cached = []
            for leaf, _offset in self.reader.leaf_readers():
                column = leaf.column_reader(fieldname)
                values = list(column)
                if len(values) != leaf.doc_count_all():
                    # A segment without this column yields nothing when iterated.
                    values = [column[d] for d in range(leaf.doc_count_all())]
                cached.extend(values)
            self._columns[fieldname] = cached
        return cached

    def verified(self, cutoff_day: int) -> set[int]:
        cached = self._verified.get(cutoff_day)
        if cached is None:
            days = self.column("verified_day")
            cached = {d for d in self.live() if days[d] and days[d] >= cutoff_day}
            if len(self._verified) > 4:
                self._verified.clear()
            self._verified[cutoff_day] = cached
        return cached

    def _sort_key(self, sort: str):
        names = self.column("sort_name")
        if sort == "country":
            countries = self.column("country")
            return lambda d: (countries[d], names[d])
        if sort == "last_verified":
            days = self.column("verified_day")
            return lambda d: (-(days[d] or 0), names[d])
        return names.__getitem__

    def rank(self, sort: str) -> list[int]:
        """rank[docnum] = position of the doc in the given order (name, country, last_verified)."""
        cached = self._ranks.get(sort)
        if cached is None:
            order = self.order(sort)
            cached = [0] * self.doc_count
            for position, docnum in enumerate(order):
                cached[docnum] = position
            self._ranks[sort] = cached
        return cached

    def order(self, sort: str) -> list[int]:
        cached = self._orders.get(sort)
        if cached is None:
            cached = sorted(range(self.doc_count), key=self._sort_key(sort))
            self._orders[sort] = cached
        return cached

    def filter_set(self, key: str, values: tuple[str, ...], cutoff_day: int) -> set[int]:
        cache_key = (key, values, cutoff_day if key == "verified" else 0)
        cached = self._filters.get(cache_key)
        if cached is None:
            facet = self.facet_values(key, cutoff_day)
            cached = set()
            for value in values:
                cached |= facet.get(value, set())
            if len(self._filters) > 256:
                self._filters.clear()
            self._filters[cache_key] = cached
        return cached

    def facet_values(self, key: str, cutoff_day: int) -> dict[str, set[int]]:
        if key == "verified":
            verified = self.verified(cutoff_day)
            return {"1": verified, "0": self.live() - verified}
        return self.values(key)

    def expansions(self, fieldname: str, word: str, edits: int) -> list[str]:
        """Indexed words of ``fieldname`` within ``edits`` Damerau edits of ``word`` (not itself)."""
        cache_key = (fieldname, word, edits)
        cached = self._fuzzy.get(cache_key)
        if cached is None:
            found = set(self.reader.terms_within(fieldname, word, edits, prefix=1))
            for swapped in _swaps(word):
                if edits == 1:
                    if (fieldname, swapped) in self.reader:
                        found.add(swapped)
                else:
                    found.update(self.reader.terms_within(fieldname, swapped, edits - 1, prefix=1))
            found.discard(word)
            cached = sorted(found)
            if len(self._fuzzy) > 4096:
                self._fuzzy.clear()
            self._fuzzy[cache_key] = cached
        return cached


# --- query building -----------------------------------------------------------------------------


@dataclass
class _Words:
    words: list[str]
    keys: list[set[str]]


def query_words(text: str) -> _Words:
    found = [fold_word(m.group()) for m in _WORD_RE.finditer(text)]
    found = [w for w in found if w]
    if any(len(w) > 1 for w in found):
        # One-letter words (initials, a trailing letter being typed) would make AND fail.
        found = [w for w in found if len(w) > 1]
    found = found[:MAX_QUERY_WORDS]
    return _Words(found, query_name_keys(found))


def word_query(snapshot: Snapshot, word: str, keys: set[str], is_last: bool) -> wq.Query:
    clauses: list[wq.Query] = [
        wq.Term(fieldname, word, boost=boost) for fieldname, boost in EXACT_BOOSTS.items()
    ]
    clauses.extend(wq.Term("name_key", key, boost=KEY_BOOST) for key in sorted(keys))
    edits = max_edits(word)
    if edits:
        fuzzy_fields = FUZZY_FIELDS_ARABIC if _is_arabic(word) else FUZZY_FIELDS_LATIN
        for fieldname in fuzzy_fields:
            boost = EXACT_BOOSTS[fieldname] * FUZZY_FACTOR
            for expansion in snapshot.expansions(fieldname, word, edits):
                clauses.append(wq.Term(fieldname, expansion, boost=boost))
    if is_last and len(word) >= 2:
        clauses.append(wq.Term("prefix", word[:MAX_NGRAM], boost=PREFIX_BOOST))
    return wq.Or(clauses)


def text_query(snapshot: Snapshot, parsed: _Words, require_all: bool) -> wq.Query:
    last = len(parsed.words) - 1
    per_word = [
        word_query(snapshot, word, parsed.keys[i], i == last) for i, word in enumerate(parsed.words)
    ]
    if len(per_word) == 1:
        return per_word[0]
    return wq.And(per_word) if require_all else wq.Or(per_word)


def _matches(snapshot: Snapshot, q: wq.Query) -> dict[int, float]:
    """Every matching docnum with its score, in one pass (no second pass for counts)."""
    scores: dict[int, float] = {}
    searcher = snapshot.searcher
    for sub, offset in searcher.leaf_searchers():
        matcher = q.matcher(sub, searcher.context())
        while matcher.is_active():
            scores[offset + matcher.id()] = matcher.score()
            matcher.next()
    return scores


# --- search ------------------------------------------------------------------------------------


def _cutoff_day(query: SearchQuery) -> int:
    today = query.today or date.today()
    return (today - timedelta(days=query.stale_days)).toordinal()


def _normalised_filters(filters: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    result = {}
    for key, values in (filters or {}).items():
        if key not in FILTER_FIELDS:
            continue
        if isinstance(values, str):
            values = [values]
        cleaned = tuple(sorted({str(v) for v in values if v is not None and str(v) != ""}))
        if cleaned:
            result[key] = cleaned
    return result


def run_search(snapshot: Snapshot, query: SearchQuery, *, with_facets: bool = True,
               with_highlights: bool = True) -> SearchResult:  # fmt: skip
    text = query.text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"The search text is limited to {MAX_QUERY_CHARS} characters.")
    sort = query.sort if query.sort in SORTS else "relevance"
    per_page = max(1, min(int(query.per_page or 20), 1000))
    page = max(1, int(query.page or 1))
    cutoff = _cutoff_day(query)
    filters = _normalised_filters(query.filters)
    filter_sets = {key: snapshot.filter_set(key, values, cutoff) for key, values in filters.items()}

    parsed = query_words(text)
    scores: dict[int, float] | None = None
    if parsed.words:
        scores = _matches(snapshot, text_query(snapshot, parsed, require_all=True))
        if not scores and len(parsed.words) > 1:
            # No entry has every word: rank entries by how many words they match instead.
            scores = _matches(snapshot, text_query(snapshot, parsed, require_all=False))
        matched = set(scores)
    else:
        matched = snapshot.live()

    allowed = matched
    for key in sorted(filter_sets, key=lambda k: len(filter_sets[k])):
        allowed = allowed & filter_sets[key]
    total = len(allowed)

    wanted = page * per_page
    if sort == "relevance" and (
        scores is not None or query.boost_networks or query.boost_languages
    ):
        ordered = _by_relevance(snapshot, allowed, scores, query, wanted)
    else:
        sort_key = "name" if sort == "relevance" else sort
        ordered = [(d, 0.0) for d in _by_rank(snapshot, allowed, sort_key, wanted)]
    page_items = ordered[(page - 1) * per_page : wanted]

    hits = []
    for docnum, score in page_items:
        stored = snapshot.searcher.stored_fields(docnum)
        highlights = _highlights(stored, parsed) if (with_highlights and parsed.words) else {}
        hits.append(Hit(id=int(stored["id"]), score=round(score, 4), highlights=highlights))

    facets: dict[str, dict[str, int]] = {}
    if with_facets:
        facets = _facets(snapshot, matched, filter_sets, cutoff, cacheable=scores is None)
    return SearchResult(total=total, hits=hits, facets=facets)


def _by_rank(snapshot: Snapshot, docs: set[int], sort: str, wanted: int) -> list[int]:
    if not docs:
        return []
    if len(docs) * 8 > snapshot.doc_count:
        # Dense result: walk the precomputed order and stop once the page is full.
        result = []
        for docnum in snapshot.order(sort):
            if docnum in docs:
                result.append(docnum)
                if len(result) >= wanted:
                    break
        return result
    rank = snapshot.rank(sort)
    return heapq.nsmallest(wanted, docs, key=rank.__getitem__)


def _by_relevance(snapshot, docs, scores, query, wanted) -> list[tuple[int, float]]:
    networks = snapshot.filter_set("network", tuple(sorted(query.boost_networks)), 0)
    languages = snapshot.filter_set("language", tuple(sorted(query.boost_languages)), 0)
    rank = snapshot.rank("name")

    def final_score(docnum: int) -> float:
        score = scores[docnum] if scores is not None else 1.0
        if docnum in networks:
            score *= 1.0 + NETWORK_BOOST
        if docnum in languages:
            score *= 1.0 + LANGUAGE_BOOST
        return score

    scored = [(final_score(d), d) for d in docs]
    best = heapq.nsmallest(wanted, scored, key=lambda item: (-item[0], rank[item[1]]))
    return [(docnum, score) for score, docnum in best]


def _facets(snapshot, matched, filter_sets, cutoff, cacheable) -> dict[str, dict[str, int]]:
    """Counts per facet value over the result set with every *other* filter applied, so the
    values of a filter already in use keep their counts (they combine with OR)."""
    cache_key = None
    if cacheable:
        cache_key = (cutoff, tuple(sorted((k, frozenset(v)) for k, v in filter_sets.items())))
        cached = snapshot._facets.get(cache_key)
        if cached is not None:
            return {k: dict(v) for k, v in cached.items()}
    facets = {}
    for key in FACET_FIELDS:
        base = matched
        for other, docs in filter_sets.items():
            if other != key:
                base = base & docs
        counts = {}
        if base:
            for value, docs in snapshot.facet_values(key, cutoff).items():
                count = len(base & docs) if len(docs) < len(base) * 4 else _count_in(base, docs)
                if count:
                    counts[value] = count
        facets[key] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    if cache_key is not None:
        if len(snapshot._facets) > 64:
            snapshot._facets.clear()
        snapshot._facets[cache_key] = facets
        return {k: dict(v) for k, v in facets.items()}
    return facets


def _count_in(small: set[int], big: set[int]) -> int:
    return sum(1 for d in small if d in big)


# --- highlighting -------------------------------------------------------------------------------


def _highlights(stored: dict, parsed: _Words) -> dict[str, str]:
    words = set(parsed.words)
    last = parsed.words[-1] if parsed.words else ""
    keys = set().union(*parsed.keys) if parsed.keys else set()

    def matches(word: str) -> bool:
        if word in words:
            return True
        if len(last) >= 2 and word.startswith(last[:MAX_NGRAM]):
            return True
        for query_word in words:
            edits = max_edits(query_word)
            if edits and word[:1] == query_word[:1] and _damerau(word, query_word, edits):
                return True
        return bool(keys) and len(word) > 1 and skeleton(word) in keys

    result = {}
    for fieldname in HIGHLIGHT_FIELDS:
        value = stored.get(fieldname) or ""
        if not value:
            continue
        spans = [
            (m.start(), m.end()) for m in _WORD_RE.finditer(value) if matches(fold_word(m.group()))
        ]
        if spans:
            result[fieldname] = _mark(value, spans, fieldname == "notes")
    return result


def _mark(value: str, spans: list[tuple[int, int]], excerpt: bool) -> str:
    start, end = 0, len(value)
    if excerpt and len(value) > 200:
        start = max(0, spans[0][0] - 60)
        end = min(len(value), start + 200)
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


def _damerau(a: str, b: str, limit: int) -> bool:
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


__all__ = [
    "ClassWeighting",
    "Hit",
    "QueryTooLong",
    "SearchQuery",
    "SearchResult",
    "Snapshot",
    "run_search",
]
