"""What search reads from the index, segment by segment, and keeps in memory.

Whoosh stores the index; evaluation is done in this package on posting lists read once and kept
(Whoosh's matcher tree cost ~13 us per matching document, which made broad words and short
prefixes the slow tail).

Caching is per *segment* (``Segment``): Whoosh never changes a segment's documents, only marks
some deleted (in the table of contents), so what is derived from a segment -- posting lists,
lexicons, facet bitsets, sort columns and orders, typo expansions -- stays valid when the index
changes. After an edit only the new small segment is read; deletions are applied per query
(``Part``). A rebuild makes new segments, so everything is read afresh.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader, TermNotFound

from index.analysis import own_keys
from index.bitsets import bits_of
from index.fuzzy import within, within_one
from index.schema import META_ID

# The fields whose words the last query word may begin (as-you-type).
PREFIX_FIELDS = ("name", "native_name", "organisation", "city")
# Memory bounds per segment (posting entries are 4 bytes).
POSTINGS_BUDGET = 4_000_000
FUZZY_CACHE = 4096

# A clause key names a set of documents:
#   ("t", field, term)                        the documents with that term;
#   ("p", prefix)                             a word of a PREFIX_FIELDS field starts with it;
#   ("k", prefix)                             a name key starts with it;
#   ("v", field, label_field, codes, word)    a code in a filter field, or a label word;
#   ("c", levels, level)                      one level of spelling closeness (ranking).
ClauseKey = tuple[Any, ...]
# (field, term) pairs, best first: the levels of a closeness clause.
Levels = tuple[tuple[tuple[str, str], ...], ...]

# Posting lists are arrays of unsigned 32-bit docnums: 4 bytes an entry, against ~36 in a tuple.
EMPTY = array("I")


def _read_ids(matcher: Any) -> array[int]:
    """Every docnum of a postings matcher, deletions *not* applied, block by block."""
    if not isinstance(matcher, W3LeafMatcher):
        return array("I", matcher.all_ids())
    found = array("I")
    while matcher.is_active():
        matcher._read_ids()
        found.extend(matcher._ids)
        matcher._next_block()
    return found


def union(lists: list[array[int]]) -> array[int]:
    lists = [docs for docs in lists if docs]
    if not lists:
        return EMPTY
    if len(lists) == 1:
        return lists[0]
    return array("I", sorted(set().union(*lists)))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


class Segment:
    """One Whoosh segment: its reader and what is derived from it, valid for its lifetime.

    Docnums here are local to the segment and deletions are ignored (``Part`` applies them).
    Not thread-safe: SearchIndex calls it under its lock.
    """

    def __init__(self, storage: Any, schema: Any, segment: Any):
        self.id: str = segment.segment_id()
        self.reader = SegmentReader(storage, schema, segment)
        self.schema = schema
        self.doc_count: int = segment.doc_count_all()
        self._terms = self.reader._terms
        self._postings: OrderedDict[ClauseKey, array[int]] = OrderedDict()
        self._postings_size = 0
        self._lexicons: dict[str, list[str]] = {}
        self._facets: dict[str, dict[str, int]] = {}
        self._columns: dict[str, list[Any]] = {}
        self._orders: dict[str, array[int]] = {}
        self._verified: dict[int, int] = {}
        self._fuzzy: dict[tuple[str, str, int], tuple[str, ...]] = {}
        self._key_terms: dict[str, tuple[tuple[str, str, str], ...]] | None = None
        self._closeness: dict[Levels, list[array[int]]] = {}
        self._meta: array[int] | None = None

    def close(self) -> None:
        self.reader.close()

    # postings and lexicons

    def _load(self, key: ClauseKey) -> array[int]:
        kind = key[0]
        if kind == "t":
            _, fieldname, text = key
            try:
                matcher = self._terms.matcher(
                    fieldname, text.encode("utf-8"), self.schema[fieldname].format
                )
            except (TermNotFound, KeyError):
                return EMPTY
            return _read_ids(matcher)
        if kind == "p":
            prefix = key[1]
            return union([
                self.docs(("t", fieldname, term))
                for fieldname in PREFIX_FIELDS
                for term in self.prefixed(fieldname, prefix)
            ])  # fmt: skip
        if kind == "k":
            return union([self.docs(("t", "name_key", term))
                          for term in self.prefixed("name_key", key[1])])  # fmt: skip
        if kind == "c":
            return self.closeness_levels(key[1])[key[2]]
        _, fieldname, label_field, codes, word = key
        lists = [self.docs(("t", fieldname, code)) for code in codes]
        if word is not None:
            lists.append(self.docs(("t", label_field, word)))
        return union(lists)

    def docs(self, key: ClauseKey) -> array[int]:
        """Sorted local docnums of a clause key (see ClauseKey)."""
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
            cached = [term.decode("utf-8") for term in self.reader.lexicon(fieldname)]
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
            # Inline loops: this walks thousands of terms the first time a word is typed.
            if edits == 1:
                found = [
                    term for term in lexicon[start:end]
                    if abs(len(term) - length) <= 1 and term != word and within_one(term, word)
                ]  # fmt: skip
            else:
                found = [
                    term for term in lexicon[start:end]
                    if abs(len(term) - length) <= edits and term != word
                    and within(term, word, edits)
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

    def closeness_levels(self, levels: Levels) -> list[array[int]]:
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
                    docs = array("I", sorted(found)) if found else EMPTY
                seen.update(docs)
                cached.append(docs)
            if len(self._closeness) > FUZZY_CACHE:
                self._closeness.clear()
            self._closeness[levels] = cached
        return cached

    # filters, facets, sorting

    def meta_docs(self) -> array[int]:
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

    def column(self, fieldname: str) -> list[Any]:
        cached = self._columns.get(fieldname)
        if cached is None:
            count = self.doc_count
            if self.reader.has_column(fieldname):
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

    def sort_key(self, sort: str) -> Callable[[int], Any]:
        names = self.column("sort_name")
        if sort == "country":
            countries = self.column("country")
            return lambda d: (countries[d], names[d])
        if sort == "last_verified":
            days = self.column("verified_day")
            return lambda d: (-days[d], names[d])
        return names.__getitem__

    def order(self, sort: str) -> array[int]:
        cached = self._orders.get(sort)
        if cached is None:
            cached = array("I", sorted(range(self.doc_count), key=self.sort_key(sort)))
            self._orders[sort] = cached
        return cached


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

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        fields: dict[str, Any] = self.segment.reader.stored_fields(docnum)
        return fields


class Snapshot:
    """The index as one table of contents describes it: segments in docnum order.

    Not thread-safe: callers hold a lock.
    """

    def __init__(self, parts: list[Part], generation: int, labels: Any):
        self.parts = parts
        self.generation = generation
        # labels.Labels: the words of country, specialism and language labels (may be empty).
        self.labels = labels
        self.doc_count_all = sum(part.segment.doc_count for part in parts)
        # Facet counts of searches without text, by (cutoff day, filters).
        self.facet_cache: dict[tuple[Any, ...], dict[str, dict[str, int]]] = {}

    def idf(self, document_frequency: int) -> float:
        # Whoosh's idf (deleted documents still count, as in Whoosh).
        return math.log(self.doc_count_all / (document_frequency + 1)) + 1
