"""A search over one snapshot of the index: filters, ranking, paging, facets and highlights.

Filters and facets are bitsets (bitsets.py): counting a facet value is one AND and a popcount.
Each part (segment) gives its best ``page * per_page`` candidates under a key that is global
across parts; the page is cut from their union.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from index.bitsets import bit_table, bits_of, positions
from index.highlight import Highlighter
from index.query import (
    FACET_FIELDS,
    FILTER_FIELDS,
    MAX_PER_PAGE,
    SORTS,
    Hit,
    QueryWords,
    SearchQuery,
    SearchResult,
    check_length,
    query_words,
)
from index.ranking import LANGUAGE_BOOST, NETWORK_BOOST, Weighted, text_scores, weighted_words
from index.segments import Part, Segment, Snapshot


@dataclass
class Found:
    """One hit before it becomes a Hit: where it lives and its score."""

    part: Part
    docnum: int
    score: float

    def stored_fields(self) -> dict[str, Any]:
        return self.part.stored_fields(self.docnum)


@dataclass
class _Plan:
    """A query made ready to run: limits applied, filters cleaned, words parsed and weighed."""

    query: SearchQuery
    sort: str
    page: int
    per_page: int
    cutoff: int  # the day ordinal from which an entry counts as verified
    filters: dict[str, tuple[str, ...]]
    parsed: QueryWords
    per_word: list[list[Weighted]]

    @property
    def wanted(self) -> int:
        return self.page * self.per_page

    @property
    def by_relevance(self) -> bool:
        query = self.query
        return self.sort == "relevance" and bool(
            self.parsed.words or query.boost_networks or query.boost_languages)

    @property
    def boosts(self) -> tuple[tuple[str, list[str], float], ...]:
        return (("network", self.query.boost_networks, 1.0 + NETWORK_BOOST),
                ("language", self.query.boost_languages, 1.0 + LANGUAGE_BOOST))


def _plan(snapshot: Snapshot, query: SearchQuery) -> _Plan:
    check_length(query.text)
    today = query.today or date.today()
    parsed = query_words(query.text or "")
    return _Plan(
        query=query,
        sort=query.sort if query.sort in SORTS else "relevance",
        page=max(1, int(query.page or 1)),
        per_page=max(1, min(int(query.per_page or 20), MAX_PER_PAGE)),
        cutoff=(today - timedelta(days=query.stale_days)).toordinal(),
        filters=_normalised_filters(query.filters),
        parsed=parsed,
        per_word=weighted_words(snapshot, parsed) if parsed.words else [],
    )


def _normalised_filters(filters: Mapping[str, Iterable[str] | str]) -> dict[str, tuple[str, ...]]:
    result = {}
    for key, values in (filters or {}).items():
        if key not in FILTER_FIELDS:
            continue
        listed = [values] if isinstance(values, str) else values
        cleaned = tuple(sorted({str(v) for v in listed if v is not None and str(v) != ""}))
        if cleaned:
            result[key] = cleaned
    return result


def _facet_values(part: Part, key: str, cutoff: int) -> dict[str, int]:
    if key == "verified":
        verified = part.segment.verified_bits(cutoff)
        return {"1": verified, "0": part.live_bits() & ~verified}
    return part.segment.facet_bits(key)


def _filter_bits(part: Part, key: str, values: tuple[str, ...] | list[str], cutoff: int) -> int:
    facet = _facet_values(part, key, cutoff)
    bits = 0
    for value in values:
        bits |= facet.get(value, 0)
    return bits


@dataclass
class _Selection:
    """The documents of one part that the query allows: either scored (text given) or a
    bitset (no text). ``filter_bits`` per filter, for the facets."""

    part: Part
    filter_bits: dict[str, int]
    scores: dict[int, float] | None  # text searches: every document with the words
    allowed: list[int] | None  # text searches: the scored documents passing the filters
    allowed_bits: int  # searches without text: the live documents passing the filters
    count: int

    def base_bits(self) -> int:
        """The allowed documents before filters, as a bitset (what facets count from)."""
        if self.scores is not None:
            return bits_of(self.scores)
        return self.part.live_bits()


def _select(part: Part, plan: _Plan, scores: dict[int, float] | None) -> _Selection:
    filter_bits = {key: _filter_bits(part, key, values, plan.cutoff)
                   for key, values in plan.filters.items()}  # fmt: skip
    combined = None
    for bits in filter_bits.values():
        combined = bits if combined is None else combined & bits
    if scores is not None:
        if combined is None:
            allowed = list(scores)
        else:
            table = bit_table(combined, part.segment.doc_count)
            allowed = [d for d in scores if table[d >> 3] >> (d & 7) & 1]
        return _Selection(part, filter_bits, scores, allowed, 0, len(allowed))
    live = part.live_bits()
    allowed_bits = live if combined is None else live & combined
    return _Selection(part, filter_bits, None, None, allowed_bits, allowed_bits.bit_count())


# A candidate: its global sort key and where it is.
Candidate = tuple[tuple[Any, ...], Found]


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


def _boost_bits(selection: _Selection, plan: _Plan) -> list[tuple[int, float]]:
    """(bitset, factor) of the "find a counterpart" preferences that apply in this part."""
    found = []
    for fieldname, values, factor in plan.boosts:
        bits = _filter_bits(selection.part, fieldname, tuple(sorted(values)), plan.cutoff)
        if bits:
            found.append((bits, factor))
    return found


def _by_score(selection: _Selection, plan: _Plan, boosts: list[tuple[int, float]],
              scores: dict[int, float], allowed: list[int]) -> list[Candidate]:  # fmt: skip
    """The best of a text search: score (times the preferences), then name."""
    part, segment = selection.part, selection.part.segment
    names = segment.column("sort_name")
    final: Callable[[int], float] = scores.__getitem__
    if boosts:
        tables = [(bit_table(bits, segment.doc_count), factor) for bits, factor in boosts]

        def final(d: int) -> float:
            score = scores[d]
            for table, factor in tables:
                if table[d >> 3] >> (d & 7) & 1:
                    score *= factor
            return score

    best = heapq.nsmallest(plan.wanted, ((-final(d), names[d], part.offset + d, d)
                                         for d in allowed))  # fmt: skip
    return [((negative, name, gd), Found(part, d, -negative)) for negative, name, gd, d in best]


def _by_preference(selection: _Selection, plan: _Plan,
                   boosts: list[tuple[int, float]]) -> list[Candidate]:  # fmt: skip
    """No text, but preferences ("find a counterpart"): every entry scores 1, times the boosts.
    A few score levels, each taken in name order, until the page is full."""
    part, segment = selection.part, selection.part.segment
    names = segment.column("sort_name")
    levels = {1.0: selection.allowed_bits}
    for bits, factor in boosts:
        split: dict[float, int] = {}
        for score, level in levels.items():
            for new_score, new_level in ((score * factor, level & bits), (score, level & ~bits)):
                if new_level:
                    split[new_score] = split.get(new_score, 0) | new_level
        levels = split
    candidates: list[Candidate] = []
    for score in sorted(levels, reverse=True):
        chosen = _first_in_order(segment, "name", levels[score], plan.wanted)
        candidates.extend(((-score, names[d], part.offset + d), Found(part, d, score))
                          for d in chosen)  # fmt: skip
    return candidates


def _by_order(selection: _Selection, plan: _Plan) -> list[Candidate]:
    """Sorted by name, country or last verified (relevance without text sorts by name)."""
    part, segment = selection.part, selection.part.segment
    sort = "name" if plan.sort == "relevance" else plan.sort
    key_of = segment.sort_key(sort)
    if selection.allowed is None:
        chosen = _first_in_order(segment, sort, selection.allowed_bits, plan.wanted)
    else:
        chosen = heapq.nsmallest(plan.wanted, selection.allowed, key=key_of)
    return [((key_of(d), part.offset + d), Found(part, d, 0.0)) for d in chosen]


def _candidates(selection: _Selection, plan: _Plan) -> list[Candidate]:
    """The best ``plan.wanted`` documents of one part, each with a key global to all parts."""
    if not plan.by_relevance:
        return _by_order(selection, plan)
    boosts = _boost_bits(selection, plan)
    if selection.scores is not None and selection.allowed is not None:
        return _by_score(selection, plan, boosts, selection.scores, selection.allowed)
    return _by_preference(selection, plan, boosts)


def _count_facets(selection: _Selection, plan: _Plan, counts: dict[str, dict[str, int]]) -> None:
    """Counts with every *other* filter applied, so the values of a filter in use keep their
    counts (values of one filter combine with OR)."""
    base_bits = selection.base_bits()
    for key in FACET_FIELDS:
        base = base_bits
        for other, bits in selection.filter_bits.items():
            if other != key:
                base &= bits
        if not base:
            continue
        found = counts.setdefault(key, {})
        for value, bits in _facet_values(selection.part, key, plan.cutoff).items():
            count = (base & bits).bit_count()
            if count:
                found[value] = found.get(value, 0) + count


def _sorted_facets(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {key: dict(sorted(counts.get(key, {}).items(), key=lambda item: (-item[1], item[0])))
            for key in FACET_FIELDS}  # fmt: skip


def search_snapshot(snapshot: Snapshot, query: SearchQuery, *, with_facets: bool = True,
                    with_highlights: bool = True) -> tuple[SearchResult, list[Found]]:  # fmt: skip
    """The page of hits, the total and the facets of ``query``; also the hits' places, for
    callers that read more stored fields (suggestions)."""
    plan = _plan(snapshot, query)
    part_scores = text_scores(snapshot, plan.per_word) if plan.per_word else None
    # Facets of searches without text depend only on the filters: cached per snapshot.
    cache_key = (plan.cutoff, tuple(sorted(plan.filters.items())))
    cached = snapshot.facet_cache.get(cache_key) if not plan.parsed.words else None
    total = 0
    candidates: list[Candidate] = []
    counts: dict[str, dict[str, int]] = {}
    for index, part in enumerate(snapshot.parts):
        if not part.segment.doc_count:
            continue
        selection = _select(part, plan, part_scores[index] if part_scores is not None else None)
        total += selection.count
        if selection.count:
            candidates.extend(_candidates(selection, plan))
        if with_facets and cached is None:
            _count_facets(selection, plan, counts)
    candidates.sort(key=lambda item: item[0])
    found = [item[1] for item in candidates[(plan.page - 1) * plan.per_page : plan.wanted]]
    hits = _hits(found, plan.parsed if with_highlights else None)
    facets: dict[str, dict[str, int]] = {}
    if with_facets:
        facets = cached if cached is not None else _sorted_facets(counts)
        if cached is None and not plan.parsed.words:
            if len(snapshot.facet_cache) > 64:
                snapshot.facet_cache.clear()
            snapshot.facet_cache[cache_key] = facets
        facets = {key: dict(values) for key, values in facets.items()}
    return SearchResult(total=total, hits=hits, facets=facets), found


def _hits(found: list[Found], parsed: QueryWords | None) -> list[Hit]:
    highlighter = Highlighter(parsed) if parsed is not None and parsed.words else None
    hits = []
    for item in found:
        stored = item.stored_fields()
        highlights = highlighter.highlights(stored) if highlighter else {}
        hits.append(Hit(id=int(stored["id"]), score=round(item.score, 4), highlights=highlights))
    return hits
