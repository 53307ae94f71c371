"""From query words to scored documents: the clauses of each word and their weights.

User text never reaches Whoosh's query parser: it is cut into folded words (query.query_words)
and each word becomes a set of *clauses* (a field and term, or a group of terms counted once),
with boosts that encode the ranking rules. Scores ignore term frequency and length, so those
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
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable

from index.analysis import MAX_PREFIX, is_arabic, own_keys, skeleton, spelling_distance
from index.fuzzy import max_edits
from index.labels import LABEL_FIELDS, Labels
from index.query import QueryWords
from index.segments import ClauseKey, Levels, Snapshot

# Ranking ladder: the boost of a clause decides its class, idf only breaks ties within a class.
EXACT_BOOSTS = {
    "name": 10.0,
    "native_name": 10.0,
    "organisation": 4.0,
    "title": 4.0,
    "city": 4.0,
    "emails": 4.0,
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
# As-you-type over names written as one word: "Abd el ka" begins Abdelkader (PREFIX_BOOST for
# each of its words), and its key abdlk begins the key of Abdelqader and عبد القادر (this).
KEY_PREFIX_BOOST = 1.5
KEY_PREFIX_MIN = 4  # shorter key beginnings match too many names
# Typos: fraction of the exact boost, only in fields where typos are likely and lexicons small.
FUZZY_FACTOR = 0.5
FUZZY_FIELDS_LATIN = ("name", "organisation", "city")
FUZZY_FIELDS_ARABIC = ("native_name", "organisation")
# Country, matter and language names.
LABEL_BOOST = 3.0
# A word that is a whole label somewhere ("italien", "Italian", "arabe", "Italie") matches the
# codes of that label at LABEL_BOOST, and codes where it is only one word of a longer label
# ("Italian Republic", "République arabe syrienne") at this fraction: "Italian" ranks Italian
# speakers above people located in Italy, "Italie" the other way round.
LABEL_PARTIAL_FACTOR = 0.5
NETWORK_BOOST = 0.6  # "find a counterpart": score multiplier 1 + this for a preferred network
LANGUAGE_BOOST = 0.3

Clause = tuple[ClauseKey, float]
# A clause with its weight and its documents in each part of the snapshot.
Weighted = tuple[ClauseKey, float, "list[array[int]]"]


def word_clauses(snapshot: Snapshot, word: str, keys: set[str], is_last: bool) -> list[Clause]:
    """[(clause key, boost)] of one query word; a document scores each clause it matches."""
    clauses: list[Clause] = [(("t", fieldname, word), boost)
                             for fieldname, boost in EXACT_BOOSTS.items()]
    clauses += _label_clauses(snapshot.labels, word)
    clauses += _key_clauses(snapshot, word, keys)
    clauses += _typo_clauses(snapshot, word)
    if is_last and len(word) >= 2:
        clauses.append((("p", word[:MAX_PREFIX]), PREFIX_BOOST))
    return clauses


def _label_clauses(labels: Labels, word: str) -> list[Clause]:
    clauses: list[Clause] = []
    # A whole label somewhere: the codes it is only one word of rank below.
    labelled = any(word in labels.whole.get(vocabulary, ()) for vocabulary in LABEL_FIELDS)
    for vocabulary, label_field in LABEL_FIELDS.items():
        codes = labels.get(vocabulary, {}).get(word)
        if not codes:
            clauses.append((("t", label_field, word), LABEL_BOOST))
        elif not labelled:
            clauses.append((("v", vocabulary, label_field, codes, word), LABEL_BOOST))
        else:
            exact = tuple(c for c in codes if c in labels.whole[vocabulary].get(word, ()))
            partial = tuple(c for c in codes if c not in exact)
            if exact:
                clauses.append((("v", vocabulary, label_field, exact, word), LABEL_BOOST))
            if partial:
                clauses.append((
                    ("v", vocabulary, label_field, partial, None if exact else word),
                    LABEL_BOOST * LABEL_PARTIAL_FACTOR,
                ))  # fmt: skip
    return clauses


def _key_clauses(snapshot: Snapshot, word: str, keys: set[str]) -> list[Clause]:
    own = own_keys(word)
    clauses: list[Clause] = []
    for key in sorted(keys):
        clauses.append((("t", "name_key", key), KEY_BOOST))
        if key in own:
            clauses.extend(_closeness_clauses(snapshot, word, key, own[key]))
    return clauses


def _typo_clauses(snapshot: Snapshot, word: str) -> list[Clause]:
    edits = max_edits(word)
    if not edits:
        return []
    own = own_keys(word)
    clauses: list[Clause] = []
    for fieldname in FUZZY_FIELDS_ARABIC if is_arabic(word) else FUZZY_FIELDS_LATIN:
        expanded: set[str] = set()
        for part in snapshot.parts:
            expanded.update(part.segment.expansions(fieldname, word, edits))
        if own and fieldname in ("name", "native_name"):
            # A name sharing the word's key is a key match (ranked by closeness), not a
            # typo: محمد -> محمود is one letter, but another name.
            expanded = {term for term in expanded if not own.keys() & own_keys(term).keys()}
        boost = EXACT_BOOSTS[fieldname] * FUZZY_FACTOR
        clauses.extend((("t", fieldname, term), boost) for term in sorted(expanded))
    return clauses


def _closeness_clauses(snapshot: Snapshot, word: str, key: str, form: str) -> list[Clause]:
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
    levels: Levels = (tuple(sorted(exact)), *(tuple(by_distance[d]) for d in distances))
    return [
        (("c", levels, i), CLOSENESS_BOOST * (farthest - distance) / CLOSENESS_RANGE)
        for i, distance in enumerate(distances, start=1)
    ]


def joined_prefix_clauses(query_words: list[str]) -> list[tuple[int, list[Clause]]]:
    """(first word, clauses) for the last two and three words read as the beginning of one
    word: every word of the run gets the clauses, so a name written as one word matches them
    all ("Abd el ka" -> Abdelkader, "Nour Ed" -> Noureddine)."""
    found = []
    last = len(query_words) - 1
    for start in range(max(0, last - 2), last):
        joined = "".join(query_words[start:])
        clauses: list[Clause] = [(("p", joined[:MAX_PREFIX]), PREFIX_BOOST)]
        key = skeleton(joined)
        if len(key) >= KEY_PREFIX_MIN:
            clauses.append((("k", key), KEY_PREFIX_BOOST))
        found.append((start, clauses))
    return found


def weighted_words(snapshot: Snapshot, parsed: QueryWords) -> list[list[Weighted]]:
    """The weighted clauses of every query word (the last one is also a prefix)."""
    last = len(parsed.words) - 1
    per_word = [word_clauses(snapshot, word, parsed.keys[i], i == last)
                for i, word in enumerate(parsed.words)]  # fmt: skip
    for start, clauses in joined_prefix_clauses(parsed.words):
        for i in range(start, last + 1):
            per_word[i] = per_word[i] + clauses
    return [_weighted(snapshot, clauses) for clauses in per_word]


def _weighted(snapshot: Snapshot, clauses: Iterable[Clause]) -> list[Weighted]:
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


def _score_all(clauses: list[Weighted], index: int) -> dict[int, float]:
    scores: dict[int, float] = {}
    get = scores.get
    for _key, weight, per_part in clauses:
        for d in per_part[index]:
            scores[d] = get(d, 0.0) + weight
    return scores


def _score_within(clauses: list[Weighted], index: int,
                  candidates: dict[int, float]) -> dict[int, float]:  # fmt: skip
    """Scores of one word for the candidate docs only (each has matched the earlier words)."""
    scores: dict[int, float] = {}
    get = scores.get
    many = len(candidates)
    for _key, weight, per_part in clauses:
        docs = per_part[index]
        if not docs:
            continue
        hits: Iterable[int]
        if many * 12 < len(docs):
            size = len(docs)
            found = []
            for d in candidates:
                i = bisect_left(docs, d)
                if i < size and docs[i] == d:
                    found.append(d)
            hits = found
        else:
            hits = candidates.keys() & docs
        for d in hits:
            scores[d] = get(d, 0.0) + weight
    return scores


def match_part(per_word: list[list[Weighted]], index: int, require_all: bool) -> dict[int, float]:
    """Scores of the documents of one part: matching every word, or (require_all false) any."""
    if not require_all or len(per_word) == 1:
        return _score_all([c for clauses in per_word for c in clauses], index)
    # The rarest word first: later words only look at the docs still in the running.
    ordered = sorted(per_word, key=lambda clauses: sum(len(c[2][index]) for c in clauses))
    total = _score_all(ordered[0], index)
    for clauses in ordered[1:]:
        if not total:
            break
        scores = _score_within(clauses, index, total)
        total = {d: total[d] + score for d, score in scores.items()}
    return total


def text_scores(snapshot: Snapshot, per_word: list[list[Weighted]]) -> list[dict[int, float]]:
    """Scores per part of the documents with every word; if nobody has them all, of those with
    any word (ranked by how many they match). Deleted documents left out."""
    scores = [match_part(per_word, i, True) for i in range(len(snapshot.parts))]
    _drop_dead(snapshot, scores)
    if len(per_word) > 1 and not any(scores):
        scores = [match_part(per_word, i, False) for i in range(len(snapshot.parts))]
        _drop_dead(snapshot, scores)
    return scores


def _drop_dead(snapshot: Snapshot, part_scores: list[dict[int, float]]) -> None:
    for part, scores in zip(snapshot.parts, part_scores, strict=True):
        if scores:
            for d in part.dead():
                scores.pop(d, None)
