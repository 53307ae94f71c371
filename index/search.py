"""Safe query building, filters, facets, sorting, paging and highlighting over the index.

User text never reaches Whoosh's query parser: it is cut into folded words (analysis.words) and
each word becomes a set of *clauses* (a field and term, or a group of terms counted once), with
boosts that encode the ranking rules. Scores ignore term frequency and length, so those
classes, not word statistics, decide the order: a clause scores boost * (1 + min(idf, 10) / 20),
a word the sum of its matching clauses, a document the sum over the words (all words required;
if nobody has them all, any word).

For a name the order is exact > cross-script key > typo > prefix: someone typing Khalid wants
Khalid, then Khaled and خالد (same key), then Khalil (one letter away, another name). An exact
name (10) always has its key too (8), a key match never needs a typo (a name sharing the key is
not counted as a typo of it), and a typo of a name is 5. Among the names sharing a key, the
spelling closest to the query word (analysis.spelling_distance, mostly vowels) adds a bonus of
at most 1, without idf: Muhammad brings Mohamed and محمد before Mahmoud and محمود. Then come
organisation, title and city words (4), country, matter and language names (3; a word that is a
whole label -- "italien", "Italie" -- prefers that label to the longer labels holding it),
prefixes (2.5), notes (1).

Whoosh stores the index; evaluation is done here, segment by segment, on posting lists read
once and kept in memory (Whoosh's matcher tree cost ~13 us per matching document, which made
broad words and short prefixes the slow tail). Filters and facets are bitsets (Python ints):
counting a facet value is one AND and a popcount.

Caching is per *segment* (``Segment``): Whoosh never changes a segment's documents, only marks
some deleted (in the table of contents), so what is derived from a segment -- posting lists,
lexicons, facet bitsets, sort columns and orders, typo expansions -- stays valid when the index
changes. After an edit only the new small segment is read; deletions are applied per query
(``Part``). A rebuild makes new segments, so everything is read afresh.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import sys
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader, TermNotFound

from index.analysis import (
    _WORD_RE,
    MAX_NGRAM,
    fold_word,
    own_keys,
    query_name_keys,
    skeleton,
    spelling_distance,
    words,
)
from index.schema import HIGHLIGHT_FIELDS, META_ID

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
FACET_FIELDS = ("country", "network", "specialism", "language", "kind", "urgent", "verified")
FILTER_FIELDS = FACET_FIELDS + ("status",)
SORTS = ("relevance", "name", "country", "last_verified")

# Ranking ladder: the boost of a clause decides its class, idf only breaks ties within a class.
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
# A name found only through its cross-script key (Khalid -> خالد) ranks above a name one typo
# away (Khalid -> Khalil): key 8-12 against typo 5-7.5 (with the idf factor, 1 to 1.5). An exact
# name always has the key too (10-15 + 8-12), so it stays first.
KEY_BOOST = 8.0
# Among the names sharing a key, the spelling closest to the query word's (analysis.
# spelling_distance) gets up to this much more, without idf: Muhammad finds Mohamed and محمد
# before Mahmoud and محمود (all m-h-m-d). Below every gap between the classes above.
CLOSENESS_BOOST = 1.0
CLOSENESS_RANGE = 4.0  # distances are capped there: the bonus is (farthest - distance) / range
CLOSENESS_MAX_TERMS = 64  # names of one key compared per query word (the closest kept)
PREFIX_BOOST = 2.5
# Typos: fraction of the exact boost, only in fields where typos are likely and lexicons small.
FUZZY_FACTOR = 0.5
FUZZY_FIELDS_LATIN = ("name", "organisation", "city")
FUZZY_FIELDS_ARABIC = ("native_name", "organisation")
# As-you-type: the last word is also a prefix of a word of these fields.
PREFIX_FIELDS = ("name", "native_name", "organisation", "city")
# Vocabularies given as terms: the filter field and the label field (indexes built without
# vocabulary terms, or by an older version, hold the labels there).
VOCABULARY_FIELDS = {"country": "place", "specialism": "matter", "language": "speaks"}
VOCABULARY_BOOST = 3.0
# A word that is a whole label somewhere ("italien", "Italian", "arabe", "Italie") matches the
# codes of that label at VOCABULARY_BOOST, and codes where it is only one word of a longer
# label ("Italian Republic", "République arabe syrienne") at this fraction: "Italian" ranks
# Italian speakers above people located in Italy, "Italie" the other way round.
VOCABULARY_PARTIAL_FACTOR = 0.5
VOCABULARY_MAX_CODES = 8
NETWORK_BOOST = 0.6  # "find a counterpart": score multiplier 1 + this for a preferred network
LANGUAGE_BOOST = 0.3

# Memory bounds per segment (posting entries are 4 bytes).
POSTINGS_BUDGET = 4_000_000
FUZZY_CACHE = 4096


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


# --- vocabularies -------------------------------------------------------------------------------


class Vocabulary(dict):
    """{"country": {folded word: (codes...)}, ...}; ``whole`` gives, per vocabulary, the words
    that are a whole label on their own, with the codes of those labels."""

    def __init__(self, tables=(), whole=None):
        super().__init__(tables)
        self.whole: dict[str, dict[str, frozenset[str]]] = whole or {}


def vocabulary_words(vocabulary_terms: dict[str, dict[str, str]] | None) -> Vocabulary:
    """{"country": {folded word: (codes...)}, ...} from {"country": {label: code}, ...}.

    Every word of a label counts (as when the labels were indexed per document): "asset
    recovery" is two words, each pointing at asset-recovery; the codes themselves are words too.
    Words of many labels ("of", "republic", "de" in official names) are left out: they would
    match nearly everybody. A label of one word (and a code) is also recorded as *whole*.
    """
    result = Vocabulary()
    for vocabulary, terms in (vocabulary_terms or {}).items():
        if vocabulary not in VOCABULARY_FIELDS:
            continue
        table: dict[str, set[str]] = {}
        whole: dict[str, set[str]] = {}
        for label, code in (terms or {}).items():
            if not code:
                continue
            code = code.upper() if vocabulary == "country" else code
            for text in (label, code):
                label_words = words(text)
                for word in label_words:
                    table.setdefault(word, set()).add(code)
                if len(label_words) == 1:
                    whole.setdefault(label_words[0], set()).add(code)
        result[vocabulary] = {
            word: tuple(sorted(codes))
            for word, codes in table.items()
            if len(codes) <= VOCABULARY_MAX_CODES
        }
        result.whole[vocabulary] = {
            word: frozenset(codes) for word, codes in whole.items() if word in result[vocabulary]
        }
    return result


# --- bitsets ------------------------------------------------------------------------------------

_BIT = [1 << i for i in range(8)]
_BYTE_BITS = [tuple(i for i in range(8) if byte >> i & 1) for byte in range(256)]
_NONZERO = re.compile(rb"[^\x00]+")


def bits_of(docnums) -> int:
    """A bitset (int) of the given docnums."""
    docnums = list(docnums)
    if not docnums:
        return 0
    table = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        table[d >> 3] |= _BIT[d & 7]
    return int.from_bytes(table, "little")


def positions(bits: int) -> list[int]:
    """The docnums of a bitset, ascending."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    found: list[int] = []
    extend = found.extend
    for run in _NONZERO.finditer(data):
        byte_index = run.start()
        for byte in run.group():
            base = byte_index << 3
            extend([base + i for i in _BYTE_BITS[byte]])
            byte_index += 1
    return found


def bit_table(bits: int, size: int) -> bytes:
    """Bytes form of a bitset for fast membership tests: table[d >> 3] >> (d & 7) & 1."""
    return bits.to_bytes((size >> 3) + 1, "little")


# --- typo expansion (Damerau: a swap of neighbours is one edit) ---------------------------------


def max_edits(word: str) -> int:
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def _within_one(a: str, b: str) -> bool:
    """Optimal string alignment distance of a and b is at most 1."""
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


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


# --- per-segment data ---------------------------------------------------------------------------

# Posting lists are arrays of unsigned 32-bit docnums: 4 bytes an entry, against ~36 in a tuple.
_EMPTY = array("I")


def _read_ids(matcher) -> array:
    """Every docnum of a postings matcher, deletions *not* applied, block by block."""
    if not isinstance(matcher, W3LeafMatcher):
        return array("I", matcher.all_ids())
    found = array("I")
    while matcher.is_active():
        matcher._read_ids()
        found.extend(matcher._ids)
        matcher._next_block()
    return found


class Segment:
    """One Whoosh segment: its reader and what is derived from it, valid for its lifetime.

    Docnums here are local to the segment and deletions are ignored (``Part`` applies them).
    Not thread-safe: SearchIndex calls it under its lock.
    """

    def __init__(self, storage, schema, segment):
        self.id = segment.segment_id()
        self.reader = SegmentReader(storage, schema, segment)
        self.schema = schema
        self.doc_count = segment.doc_count_all()
        self._terms = self.reader._terms
        self._postings: OrderedDict[tuple, array] = OrderedDict()
        self._postings_size = 0
        self._lexicons: dict[str, list[str]] = {}
        self._facets: dict[str, dict[str, int]] = {}
        self._columns: dict[str, list] = {}
        self._orders: dict[str, array] = {}
        self._verified: dict[int, int] = {}
        self._fuzzy: dict[tuple[str, str, int], tuple[str, ...]] = {}
        self._key_terms: dict[str, tuple[tuple[str, str, str], ...]] | None = None
        self._closeness: dict[tuple, list[array]] = {}
        self._meta: array | None = None

    def close(self) -> None:
        self.reader.close()

    # postings and lexicons

    def _load(self, key: tuple) -> array:
        kind = key[0]
        if kind == "t":
            _, fieldname, text = key
            try:
                matcher = self._terms.matcher(
                    fieldname, text.encode("utf-8"), self.schema[fieldname].format
                )
            except (TermNotFound, KeyError):
                return _EMPTY
            return _read_ids(matcher)
        if kind == "p":  # docs with a word starting with key[1] in a PREFIX_FIELDS field
            prefix = key[1]
            lists = [
                self.docs(("t", fieldname, term))
                for fieldname in PREFIX_FIELDS
                for term in self.prefixed(fieldname, prefix)
            ]
            if "prefix" in self.schema.names():  # an index built by an older version
                lists.append(self.docs(("t", "prefix", prefix[:MAX_NGRAM])))
            return _union(lists)
        if kind == "c":  # ("c", levels of (field, term) pairs, index of a level)
            return self.closeness_levels(key[1])[key[2]]
        # "v": docs with one of the codes key[3] in filter field key[1] or the label word key[4]
        # (unless None) in label field key[2].
        _, fieldname, label_field, codes, word = key
        lists = [self.docs(("t", fieldname, code)) for code in codes]
        if word is not None:
            lists.append(self.docs(("t", label_field, word)))
        return _union(lists)

    def docs(self, key: tuple) -> array:
        """Sorted local docnums of a clause key: ("t", field, term), ("p", prefix),
        ("v", field, label_field, codes, word) or ("c", levels, level)."""
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        found = self._load(key)
        self._postings[key] = found
        self._postings_size += len(found) + 8
        while self._postings_size > POSTINGS_BUDGET and len(self._postings) > 1:
            _, evicted = self._postings.popitem(last=False)
            self._postings_size -= len(evicted) + 8
        return found

    def lexicon(self, fieldname: str) -> list[str]:
        cached = self._lexicons.get(fieldname)
        if cached is None:
            if fieldname in self.schema.names() and self.schema[fieldname].indexed:
                cached = [term.decode("utf-8") for term in self.reader.lexicon(fieldname)]
            else:
                cached = []
            self._lexicons[fieldname] = cached
        return cached

    def prefixed(self, fieldname: str, prefix: str) -> list[str]:
        lexicon = self.lexicon(fieldname)
        found = []
        for i in range(bisect_left(lexicon, prefix), len(lexicon)):
            if not lexicon[i].startswith(prefix):
                break
            found.append(lexicon[i])
        return found

    def expansions(self, fieldname: str, word: str, edits: int) -> tuple[str, ...]:
        """Words of ``fieldname`` within ``edits`` Damerau edits of ``word`` (not itself), the
        first letter fixed (a typo there is rare, and checking it costs the most)."""
        cache_key = (fieldname, word, edits)
        cached = self._fuzzy.get(cache_key)
        if cached is None:
            lexicon = self.lexicon(fieldname)
            start = bisect_left(lexicon, word[0])
            end = bisect_left(lexicon, word[0] + "\U0010ffff", start)
            length = len(word)
            if edits == 1:
                found = [
                    term for term in lexicon[start:end]
                    if abs(len(term) - length) <= 1 and term != word and _within_one(term, word)
                ]  # fmt: skip
            else:
                found = [
                    term for term in lexicon[start:end]
                    if abs(len(term) - length) <= edits and term != word
                    and _damerau(term, word, edits)
                ]  # fmt: skip
            cached = tuple(found)
            if len(self._fuzzy) > FUZZY_CACHE:
                self._fuzzy.clear()
            self._fuzzy[cache_key] = cached
        return cached

    def key_terms(self, key: str) -> tuple[tuple[str, str, str], ...]:
        """(field, term, form) of the name words giving the name key ``key`` on their own (the
        form is the term, or the term without its article when that gives the key)."""
        if self._key_terms is None:
            table: dict[str, list[tuple[str, str, str]]] = {}
            for fieldname in ("name", "native_name"):
                for term in self.lexicon(fieldname):
                    for term_key, form in own_keys(term).items():
                        table.setdefault(term_key, []).append((fieldname, term, form))
            self._key_terms = {k: tuple(found) for k, found in table.items()}
        return self._key_terms.get(key, ())

    def closeness_levels(self, levels: tuple) -> list[array]:
        """For levels of (field, term) pairs, best first: the docs of each level that no better
        level has (a document counts at its closest spelling only; level 0 only excludes)."""
        cached = self._closeness.get(levels)
        if cached is None:
            seen: set[int] = set()
            cached = []
            for pairs in levels:
                lists = [self.docs(("t", fieldname, term)) for fieldname, term in pairs]
                lists = [docs for docs in lists if docs]
                if len(lists) == 1 and not seen:
                    docs = lists[0]  # already sorted, nothing to remove
                else:
                    found = set().union(*lists) - seen if lists else set()
                    docs = array("I", sorted(found)) if found else _EMPTY
                seen.update(docs)
                cached.append(docs)
            if len(self._closeness) > FUZZY_CACHE:
                self._closeness.clear()
            self._closeness[levels] = cached
        return cached

    # filters, facets, sorting

    def meta_docs(self) -> array:
        if self._meta is None:
            self._meta = self.docs(("t", "id", META_ID))
        return self._meta

    def facet_bits(self, fieldname: str) -> dict[str, int]:
        cached = self._facets.get(fieldname)
        if cached is None:
            cached = {term: bits_of(self.docs(("t", fieldname, term)))
                      for term in self.lexicon(fieldname)}  # fmt: skip
            self._facets[fieldname] = cached
        return cached

    def column(self, fieldname: str) -> list:
        cached = self._columns.get(fieldname)
        if cached is None:
            count = self.doc_count
            if fieldname in self.schema.names() and self.reader.has_column(fieldname):
                column = self.reader.column_reader(fieldname)
                values = list(column)
                if len(values) != count:
                    values = [column[d] for d in range(count)]
            else:
                values = [None] * count
            if fieldname in ("sort_name", "country"):
                values = [sys.intern(_text(v)) for v in values]
            elif fieldname == "verified_day":
                values = [v or 0 for v in values]
            cached = values
            self._columns[fieldname] = cached
        return cached

    def verified_bits(self, cutoff_day: int) -> int:
        cached = self._verified.get(cutoff_day)
        if cached is None:
            days = self.column("verified_day")
            cached = bits_of(d for d, day in enumerate(days) if day and day >= cutoff_day)
            if len(self._verified) > 4:
                self._verified.clear()
            self._verified[cutoff_day] = cached
        return cached

    def sort_key(self, sort: str):
        names = self.column("sort_name")
        if sort == "country":
            countries = self.column("country")
            return lambda d: (countries[d], names[d])
        if sort == "last_verified":
            days = self.column("verified_day")
            return lambda d: (-days[d], names[d])
        return names.__getitem__

    def order(self, sort: str) -> list[int]:
        cached = self._orders.get(sort)
        if cached is None:
            cached = array("I", sorted(range(self.doc_count), key=self.sort_key(sort)))
            self._orders[sort] = cached
        return cached


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _union(lists: list) -> array:
    lists = [docs for docs in lists if docs]
    if not lists:
        return _EMPTY
    if len(lists) == 1:
        return lists[0]
    return array("I", sorted(set().union(*lists)))


class Part:
    """A segment as one table of contents sees it: its docnum offset and its deletions."""

    def __init__(self, segment: Segment, offset: int, deleted: frozenset[int]):
        self.segment = segment
        self.offset = offset
        self.deleted = deleted
        self._live: int | None = None
        self._dead: frozenset[int] | None = None

    def dead(self) -> frozenset[int]:
        """Deleted docs and the watermark document: never results."""
        if self._dead is None:
            self._dead = self.deleted | frozenset(self.segment.meta_docs())
        return self._dead

    def live_bits(self) -> int:
        if self._live is None:
            live = (1 << self.segment.doc_count) - 1
            dead = self.dead()
            if dead:
                live &= ~bits_of(dead)
            self._live = live
        return self._live


class Snapshot:
    """The index as one table of contents describes it: segments in docnum order.

    Not thread-safe: callers hold a lock.
    """

    def __init__(self, parts: list[Part], generation: int, vocabulary: dict | None = None):
        self.parts = parts
        self.generation = generation
        self.vocabulary = vocabulary or {}
        self.doc_count_all = sum(part.segment.doc_count for part in parts)
        self._facets: dict[tuple, dict] = {}

    def idf(self, document_frequency: int) -> float:
        # Whoosh's idf (deleted documents still count, as in Whoosh).
        return math.log(self.doc_count_all / (document_frequency + 1)) + 1

    def stored_fields(self, part: Part, docnum: int) -> dict:
        return part.segment.reader.stored_fields(docnum)


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


def word_clauses(snapshot: Snapshot, word: str, keys: set[str], is_last: bool):
    """[(clause key, boost)] of one query word; a document scores each clause it matches."""
    clauses: list[tuple[tuple, float]] = []
    for fieldname, boost in EXACT_BOOSTS.items():
        if fieldname in ("place", "matter", "speaks") and snapshot.vocabulary:
            continue  # below, with the codes
        clauses.append((("t", fieldname, word), boost))
    whole = getattr(snapshot.vocabulary, "whole", {})
    # A whole label somewhere: the codes it is only one word of rank below.
    labelled = any(word in whole.get(vocabulary, ()) for vocabulary in VOCABULARY_FIELDS)
    for vocabulary, label_field in VOCABULARY_FIELDS.items():
        table = snapshot.vocabulary.get(vocabulary)
        if table is None:
            if snapshot.vocabulary:
                clauses.append((("t", label_field, word), EXACT_BOOSTS[label_field]))
            continue
        codes = table.get(word)
        if not codes:
            clauses.append((("t", label_field, word), VOCABULARY_BOOST))
        elif not labelled:
            clauses.append((("v", vocabulary, label_field, codes, word), VOCABULARY_BOOST))
        else:
            exact = tuple(c for c in codes if c in whole[vocabulary].get(word, ()))
            partial = tuple(c for c in codes if c not in exact)
            if exact:
                clauses.append((("v", vocabulary, label_field, exact, word), VOCABULARY_BOOST))
            if partial:
                clauses.append((
                    ("v", vocabulary, label_field, partial, None if exact else word),
                    VOCABULARY_BOOST * VOCABULARY_PARTIAL_FACTOR,
                ))  # fmt: skip
    own = own_keys(word)
    for key in sorted(keys):
        clauses.append((("t", "name_key", key), KEY_BOOST))
        if key in own:
            clauses.extend(_closeness_clauses(snapshot, word, key, own[key]))
    edits = max_edits(word)
    if edits:
        fuzzy_fields = FUZZY_FIELDS_ARABIC if _is_arabic(word) else FUZZY_FIELDS_LATIN
        for fieldname in fuzzy_fields:
            expanded: set[str] = set()
            for part in snapshot.parts:
                expanded.update(part.segment.expansions(fieldname, word, edits))
            if own and fieldname in ("name", "native_name"):
                # A name sharing the word's key is a key match (ranked by closeness), not a
                # typo: محمد -> محمود is one letter, but another name.
                expanded = {term for term in expanded if not own.keys() & own_keys(term).keys()}
            boost = EXACT_BOOSTS[fieldname] * FUZZY_FACTOR
            clauses.extend((("t", fieldname, term), boost) for term in sorted(expanded))
    if is_last and len(word) >= 2:
        clauses.append((("p", word[:MAX_NGRAM]), PREFIX_BOOST))
    return clauses


def _closeness_clauses(snapshot: Snapshot, word: str, key: str, form: str):
    """Bonus clauses for the names giving ``key`` on their own, by closeness of their spelling
    to ``form`` (the query word, or the query word without its article): one clause per level
    of distance, a document counted at its closest name only.

    Only the order among the documents found by the key alone matters, so the bonus is
    relative to the farthest level, which needs no clause (nor its posting lists read);
    documents with the word itself are left out too (their exact match outranks any bonus).
    """
    exact: list[tuple[str, str]] = []
    found: dict[tuple[str, str], float] = {}
    for part in snapshot.parts:
        for fieldname, term, term_form in part.segment.key_terms(key):
            pair = (fieldname, term)
            if term == word:
                if pair not in exact:
                    exact.append(pair)
            elif pair not in found:
                found[pair] = min(round(spelling_distance(form, term_form), 1), CLOSENESS_RANGE)
    if len(set(found.values())) < 2:
        return []
    ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))[:CLOSENESS_MAX_TERMS]
    by_distance: dict[float, list[tuple[str, str]]] = {}
    for pair, distance in ranked:
        by_distance.setdefault(distance, []).append(pair)
    distances = sorted(by_distance)
    farthest = distances.pop()
    if not distances:
        return []
    # Level 0: the documents with the word itself, excluded from the others.
    levels = (tuple(sorted(exact)), *(tuple(by_distance[d]) for d in distances))
    return [
        (("c", levels, i), CLOSENESS_BOOST * (farthest - distance) / CLOSENESS_RANGE)
        for i, distance in enumerate(distances, start=1)
    ]


def _weighted(snapshot: Snapshot, clauses) -> list[tuple[tuple, float, list]]:
    """Clauses with their weight and their docs in each part; clauses matching nothing dropped.

    Closeness bonuses ("c") are not weighted by idf: they only order names sharing a key."""
    weighted = []
    for key, boost in clauses:
        per_part = [part.segment.docs(key) for part in snapshot.parts]
        frequency = sum(len(docs) for docs in per_part)
        if frequency:
            if key[0] == "c":
                weight = boost
            else:
                weight = boost * (1.0 + min(snapshot.idf(frequency), 10.0) / 20.0)
            weighted.append((key, weight, per_part))
    return weighted


def _score_all(clauses, index: int) -> dict[int, float]:
    scores: dict[int, float] = {}
    get = scores.get
    for _key, weight, per_part in clauses:
        for d in per_part[index]:
            scores[d] = get(d, 0.0) + weight
    return scores


def _score_within(clauses, index: int, candidates: dict[int, float]) -> dict[int, float]:
    """Scores of one word for the candidate docs only (each has matched the earlier words)."""
    scores: dict[int, float] = {}
    get = scores.get
    many = len(candidates)
    for _key, weight, per_part in clauses:
        docs = per_part[index]
        if not docs:
            continue
        if many * 12 < len(docs):
            size = len(docs)
            hits = []
            for d in candidates:
                i = bisect_left(docs, d)
                if i < size and docs[i] == d:
                    hits.append(d)
        else:
            hits = candidates.keys() & docs
        for d in hits:
            scores[d] = get(d, 0.0) + weight
    return scores


def _match_part(word_clauses_list, index: int, require_all: bool) -> dict[int, float]:
    if not require_all or len(word_clauses_list) == 1:
        if len(word_clauses_list) == 1:
            return _score_all(word_clauses_list[0], index)
        return _score_all([c for clauses in word_clauses_list for c in clauses], index)
    # The rarest word first: later words only look at the docs still in the running.
    ordered = sorted(word_clauses_list, key=lambda clauses: sum(len(c[2][index]) for c in clauses))
    total = _score_all(ordered[0], index)
    for clauses in ordered[1:]:
        if not total:
            break
        scores = _score_within(clauses, index, total)
        total = {d: total[d] + score for d, score in scores.items()}
    return total


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


def _facet_values(part: Part, key: str, cutoff: int) -> dict[str, int]:
    if key == "verified":
        verified = part.segment.verified_bits(cutoff)
        return {"1": verified, "0": part.live_bits() & ~verified}
    return part.segment.facet_bits(key)


def _filter_bits(part: Part, key: str, values: tuple[str, ...], cutoff: int) -> int:
    facet = _facet_values(part, key, cutoff)
    bits = 0
    for value in values:
        bits |= facet.get(value, 0)
    return bits


def _first_in_order(segment: Segment, sort: str, bits: int, wanted: int) -> list[int]:
    """The first ``wanted`` docs of a bitset in the segment's sort order."""
    count = bits.bit_count()
    size = segment.doc_count
    if wanted * size < 4 * count * count:
        # Dense: walk the precomputed order and stop once the page is full (expected length
        # wanted * size / count).
        table = bit_table(bits, size)
        chosen = []
        for d in segment.order(sort):
            if table[d >> 3] >> (d & 7) & 1:
                chosen.append(d)
                if len(chosen) >= wanted:
                    break
        return chosen
    return heapq.nsmallest(wanted, positions(bits), key=segment.sort_key(sort))


def _drop_dead(snapshot: Snapshot, part_scores: list[dict[int, float]]) -> None:
    for part, scores in zip(snapshot.parts, part_scores):
        if scores:
            for d in part.dead():
                scores.pop(d, None)


@dataclass
class _Found:
    """One hit before it becomes a Hit: where it lives and its score."""

    part: Part
    docnum: int
    score: float


def run_search(snapshot: Snapshot, query: SearchQuery, *, with_facets: bool = True,
               with_highlights: bool = True) -> SearchResult:  # fmt: skip
    result, _found = search_snapshot(snapshot, query, with_facets=with_facets,
                                     with_highlights=with_highlights)  # fmt: skip
    return result


def search_snapshot(snapshot: Snapshot, query: SearchQuery, *, with_facets: bool = True,
                    with_highlights: bool = True) -> tuple[SearchResult, list[_Found]]:  # fmt: skip
    text = query.text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"The search text is limited to {MAX_QUERY_CHARS} characters.")
    sort = query.sort if query.sort in SORTS else "relevance"
    per_page = max(1, min(int(query.per_page or 20), 1000))
    page = max(1, int(query.page or 1))
    wanted = page * per_page
    cutoff = _cutoff_day(query)
    filters = _normalised_filters(query.filters)
    parsed = query_words(text)

    per_word = []
    if parsed.words:
        last = len(parsed.words) - 1
        per_word = [
            _weighted(snapshot, word_clauses(snapshot, word, parsed.keys[i], i == last))
            for i, word in enumerate(parsed.words)
        ]
    by_relevance = sort == "relevance" and (
        bool(parsed.words) or bool(query.boost_networks) or bool(query.boost_languages)
    )
    order_sort = "name" if sort == "relevance" else sort

    part_scores: list[dict[int, float]] = []
    if per_word:
        part_scores = [_match_part(per_word, i, True) for i in range(len(snapshot.parts))]
        _drop_dead(snapshot, part_scores)
        if len(per_word) > 1 and not any(part_scores):
            # No entry has every word: rank entries by how many words they match instead.
            part_scores = [_match_part(per_word, i, False) for i in range(len(snapshot.parts))]
            _drop_dead(snapshot, part_scores)

    total = 0
    candidates: list[tuple[tuple, _Found]] = []
    facet_counts: dict[str, dict[str, int]] = {key: {} for key in FACET_FIELDS}
    facets_cacheable = not parsed.words
    cache_key = (cutoff, tuple(sorted(filters.items())))
    cached_facets = snapshot._facets.get(cache_key) if facets_cacheable else None

    for index, part in enumerate(snapshot.parts):
        segment = part.segment
        if not segment.doc_count:
            continue
        filter_bits = {key: _filter_bits(part, key, values, cutoff)
                       for key, values in filters.items()}  # fmt: skip
        combined = None
        for bits in filter_bits.values():
            combined = bits if combined is None else combined & bits
        scores: dict[int, float] | None = None
        if per_word:
            scores = part_scores[index]
            if combined is None:
                allowed = list(scores)
            else:
                table = bit_table(combined, segment.doc_count)
                allowed = [d for d in scores if table[d >> 3] >> (d & 7) & 1]
            allowed_count = len(allowed)
            base_bits = None
        else:
            base_bits = part.live_bits()
            allowed_bits = base_bits if combined is None else base_bits & combined
            allowed_count = allowed_bits.bit_count()
            allowed = None
        total += allowed_count

        # Ranking: the best `wanted` of this part, with a global key.
        if allowed_count:
            names = segment.column("sort_name")
            offset = part.offset
            boosts = []
            if by_relevance:
                for fieldname, values, factor in (
                    ("network", query.boost_networks, 1.0 + NETWORK_BOOST),
                    ("language", query.boost_languages, 1.0 + LANGUAGE_BOOST),
                ):
                    bits = _filter_bits(part, fieldname, tuple(sorted(values)), cutoff)
                    if bits:
                        boosts.append((bits, factor))
            if by_relevance and scores is not None:
                if boosts:
                    tables = [(bit_table(bits, segment.doc_count), f) for bits, f in boosts]

                    def final(d, scores=scores, tables=tables):
                        score = scores[d]
                        for table, factor in tables:
                            if table[d >> 3] >> (d & 7) & 1:
                                score *= factor
                        return score

                else:
                    final = scores.__getitem__
                best = heapq.nsmallest(
                    wanted, ((-final(d), names[d], offset + d, d) for d in allowed)
                )
                candidates.extend(
                    ((negative, name, gd), _Found(part, d, -negative))
                    for negative, name, gd, d in best
                )
            elif by_relevance:
                # No text: every entry scores 1, times the boosts of "find a counterpart". A few
                # score levels, each taken in name order, until the page is full.
                levels = {1.0: allowed_bits}
                for bits, factor in boosts:
                    split = {}
                    for score, level in levels.items():
                        for new_score, new_level in ((score * factor, level & bits),
                                                     (score, level & ~bits)):  # fmt: skip
                            if new_level:
                                split[new_score] = split.get(new_score, 0) | new_level
                    levels = split
                for score in sorted(levels, reverse=True):
                    chosen = _first_in_order(segment, "name", levels[score], wanted)
                    candidates.extend(
                        ((-score, names[d], offset + d), _Found(part, d, score)) for d in chosen
                    )
            else:
                key_of = segment.sort_key(order_sort)
                if allowed is None:
                    chosen = _first_in_order(segment, order_sort, allowed_bits, wanted)
                else:
                    chosen = heapq.nsmallest(wanted, allowed, key=key_of)
                candidates.extend(((key_of(d), offset + d), _Found(part, d, 0.0)) for d in chosen)

        # Facets: counts with every *other* filter applied, so the values of a filter in use
        # keep their counts (values of one filter combine with OR).
        if with_facets and cached_facets is None:
            if base_bits is None:
                base_bits = bits_of(scores)
            for key in FACET_FIELDS:
                base = base_bits
                for other, bits in filter_bits.items():
                    if other != key:
                        base &= bits
                if not base:
                    continue
                counts = facet_counts[key]
                for value, bits in _facet_values(part, key, cutoff).items():
                    count = (base & bits).bit_count()
                    if count:
                        counts[value] = counts.get(value, 0) + count

    candidates.sort(key=lambda item: item[0])
    found = [item[1] for item in candidates[(page - 1) * per_page : wanted]]

    hits = []
    seen_words: dict[str, bool] = {}  # the same words recur across a page's hits
    for item in found:
        stored = snapshot.stored_fields(item.part, item.docnum)
        highlights = (_highlights(stored, parsed, seen_words)
                      if (with_highlights and parsed.words) else {})
        hits.append(Hit(id=int(stored["id"]), score=round(item.score, 4), highlights=highlights))

    facets: dict[str, dict[str, int]] = {}
    if with_facets:
        if cached_facets is not None:
            facets = {k: dict(v) for k, v in cached_facets.items()}
        else:
            facets = {
                key: dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
                for key, counts in facet_counts.items()
            }
            if facets_cacheable:
                if len(snapshot._facets) > 64:
                    snapshot._facets.clear()
                snapshot._facets[cache_key] = {k: dict(v) for k, v in facets.items()}
    return SearchResult(total=total, hits=hits, facets=facets), found


# --- highlighting -------------------------------------------------------------------------------


def _highlights(stored: dict, parsed: _Words, seen: dict[str, bool]) -> dict[str, str]:
    """Marked snippets of the fields that matched; `seen` remembers each word's verdict."""
    words = set(parsed.words)
    last = parsed.words[-1] if parsed.words else ""
    keys = set().union(*parsed.keys) if parsed.keys else set()

    def matches(word: str) -> bool:
        if word not in seen:
            seen[word] = decide(word)
        return seen[word]

    def decide(word: str) -> bool:
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
    "Hit",
    "Part",
    "QueryTooLong",
    "SearchQuery",
    "SearchResult",
    "Segment",
    "Snapshot",
    "run_search",
    "search_snapshot",
    "vocabulary_words",
]
