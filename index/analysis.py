"""Text analysis for the search index: folding, Arabic normalisation, cross-script name keys.

Prosecutors type names as they heard them on the phone, in whatever script their keyboard has.
Everything that turns text into index terms lives here, and the query builder uses the very same
functions, so a word is normalised identically on both sides.

Three layers, from strict to loose:

* ``fold_word``: lower case, accents stripped (``José`` -> ``jose``), Arabic normalised
  (harakat, tatweel, alef forms, ة -> ه, ى -> ي). Used by every text field.
* ``name_keys``: a consonant skeleton shared by Latin transliterations and Arabic script
  (Mohamed / Mohammed / Muhammad / محمد -> ``mhmd``), matched exactly in a field of its own;
  letters written two ways (Gamal / Jamal, Hadija / Khadija) give a second key, and names
  written split or joined (Bel Kacem / Belkacem, Nour Eddine / Noureddine) the key of the
  joined form.
* ``spelling_distance``: how far apart two spellings sharing a key are, mostly in their vowels
  (Muhammad is closer to Mohamed and محمد than to Mahmoud and محمود, which share ``mhmd``):
  among entries found only by the key, the closest spelling ranks first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Composable, Token, Tokenizer

# Letters, digits and the combining marks / tatweel that sit *inside* words. Keeping the marks
# in the token (instead of normalising the text before tokenising) keeps character offsets
# true to the stored text, which the highlighter needs.
WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])+"
)

# Arabic letters that need more than Unicode decomposition.
_ARABIC_MAP = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Farsi yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0640": None,  # tatweel
        "\u00df": "ss",  # German sharp s
        "\u0131": "i",  # dotless i (Turkish)
        "\u0142": "l",  # Polish l with stroke
        "\u00f8": "o",
        "\u0111": "d",
        "\u00e6": "ae",
        "\u0153": "oe",
    }
)

# As-you-type: the last query word counts as a prefix of at most this many letters.
MAX_PREFIX = 10


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """Case-, accent- and Arabic-normalise one word (or any text)."""
    word = word.lower().translate(_ARABIC_MAP)
    # NFKD splits accented Latin letters and hamza/madda alef forms into base + combining mark;
    # dropping every combining mark also removes Arabic harakat.
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_ARABIC_MAP)


def words(text: str) -> list[str]:
    """The folded words of ``text``; everything that is not a letter or digit separates words.

    This is the only way user text becomes query terms, so operators such as ``notes:x``,
    ``*`` or ``(((`` are simply separators or words.
    """
    result = []
    for match in WORD_RE.finditer(text or ""):
        folded = fold_word(match.group())
        if folded:
            result.append(folded)
    return result


def is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


# --- Cross-script name keys -------------------------------------------------------------------

# Arabic (already folded) -> Latin letters spelled the way the Latin rules below reduce them
# (خ kh -> k, غ gh -> g, ش sh -> x), so that Arabic script meets the Latin spellings in one key.
_ARABIC_TO_LATIN = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "d", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "d", "ع": "'", "غ": "gh", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "", "ئ": "y", "ؤ": "w", "پ": "b",
    "چ": "ch", "ڤ": "f", "گ": "g",
}  # fmt: skip

# Latin spelling conventions (French/Maghreb and English/Mashreq) folded onto one letter each:
# ch / sh / sch, dj / j, kh / k, q / k / c, c / s before e, i, y, ou / u / w. Vowels (ei / ay /
# ai...) and doubled letters are left out of the key altogether (see skeleton).
_LATIN_RULES = [
    (re.compile(r"x"), "ks"),
    (re.compile(r"(?:sch|sh|ch)"), "x"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"kh"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"th"), "t"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"[cq]"), "k"),
    (re.compile(r"^ou(?=[aeiy])"), "w"),
    (re.compile(r"ou|oo"), "u"),
]

# Letters written two ways, where the usual rule above would keep the spellings apart: each
# gives a second key. ج is g in Egyptian spellings (Gamal = Jamal = Djamel = جمال), خ is h in
# some (Hadija = Khadija = خديجة). Applied before the rules; gh (غ) is not a g.
_VARIANTS = [
    (re.compile(r"g(?!h)"), "j"),
    (re.compile(r"kh"), "h"),
]

# Particles that are written joined or separated: "Ben Ali" / "Benali", "Abd El Kader",
# "Bel Kacem" / "Belkacem".
PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "il",
        "ben",
        "bin",
        "ibn",
        "bel",
        "bou",
        "abu",
        "abou",
        "ould",
        "abd",
        "abdel",
        "abdul",
        "abdal",
        "ait",
    ]
    + ["عبد", "بن", "ابن", "ابو", "بو", "ال"]
)
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ul|il|ال)(?=.{3,})")
_VOWELS = set("aeiouwy'")


def _arabic_to_latin(word: str) -> str:
    if not is_arabic(word):
        return word
    latin = "".join(_ARABIC_TO_LATIN.get(c, c) for c in word)
    # A word-initial ain reads as a vowel in Latin spellings (Omar / عمر).
    if latin.startswith("'"):
        latin = "a" + latin[1:]
    return latin


def _reduce(latin: str) -> str:
    """The skeleton of a word already in Latin letters (see skeleton)."""
    for pattern, replacement in _LATIN_RULES:
        latin = pattern.sub(replacement, latin)
    if not latin:
        return ""
    out = []
    first = latin[0]
    if first in "wy":
        out.append(first)
    elif first in _VOWELS:
        out.append("a")
    else:
        out.append(first)
    for c in latin[1:]:
        if c in _VOWELS or not c.isalpha():
            continue
        if out[-1] == c:
            continue
        out.append(c)
    key = "".join(out)
    if len(key) > 2 and key.endswith("h"):
        key = key[:-1]
    return key


@lru_cache(maxsize=100_000)
def skeleton(word: str) -> str:
    """Consonant skeleton of one folded word (Latin or Arabic script); '' if nothing is left.

    An initial vowel becomes ``a`` (so Ahmed ``ahmd`` differs from Hamid ``hmd``), an initial
    w/y stays (Youssef ``ysf``), other vowels, w, y and ain vanish, doubled letters collapse and
    a final h (ة, silent in Latin spellings) is dropped.
    """
    return _reduce(_arabic_to_latin(word))


@lru_cache(maxsize=100_000)
def spellings(word: str) -> dict[str, str]:
    """{key: spelling} of one folded word: its skeleton (from the word itself), then the keys
    of its variant spellings (_VARIANTS: Gamal -> jamal), one-letter keys left out."""
    latin = _arabic_to_latin(word)
    found = {}
    key = _reduce(latin)
    if len(key) > 1:
        found[key] = word
    for pattern, replacement in _VARIANTS:
        if pattern.search(latin):
            variant = pattern.sub(replacement, latin)
            key = _reduce(variant)
            if len(key) > 1 and key not in found:
                # An Arabic word keeps its own letters: spelling_distance reads them itself.
                found[key] = word if is_arabic(word) else variant
    return found


def _split_article(word: str) -> str | None:
    if _ARTICLE_PREFIX.match(word):
        return word[2:]
    return None


@lru_cache(maxsize=100_000)
def own_keys(word: str) -> dict[str, str]:
    """{key: the form of ``word`` it comes from} for the keys a single folded word gives on its
    own: its skeletons (spellings), and those without its article, not from joined words.
    Cached: do not modify the result."""
    if word in PARTICLES:
        return {}
    found = {}
    bare = _split_article(word)
    if bare:
        found.update(spellings(bare))
    found.update(spellings(word))
    return found


def _joined_spans(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of the runs of words that are also written as one word: a particle and the
    next word or two ("ben ali", "abd el kader"), two words ("nour eddine"), and two words
    around a particle ("zine el abidine"). A run does not end on a particle followed by a word:
    "abd el" of "abd el kader" is not a name (and would be Abdallah's key)."""
    count = len(tokens)
    spans = []
    for i, word in enumerate(tokens):
        if word in PARTICLES:
            spans += [(i, i + span) for span in (2, 3) if i + span <= count]
        elif i + 1 < count:
            spans.append((i, i + 2))
            if tokens[i + 1] in PARTICLES and i + 3 <= count:
                spans.append((i, i + 3))
    return [(start, end) for start, end in spans
            if end == count or tokens[end - 1] not in PARTICLES]  # fmt: skip


def name_keys(tokens: list[str]) -> set[str]:
    """Cross-script keys of a sequence of folded name words.

    Each word gives its keys (own_keys); each run of words also written as one word gives the
    keys of the joined form, so "Ben Ali", "Bin Ali" and "Benali" share ``bnl``, "Nour Eddine"
    and "Noureddine" ``nrdn``. Lone particles give no key: "el" would otherwise match every
    "Ali".
    """
    keys: set[str] = set()
    for word in tokens:
        keys.update(own_keys(word))
    for start, end in _joined_spans(tokens):
        keys.update(spellings("".join(tokens[start:end])))
    return keys


def query_name_keys(tokens: list[str]) -> list[set[str]]:
    """For each query word, the name keys it may be part of (its own and joined forms)."""
    per_token: list[set[str]] = [set(own_keys(word)) for word in tokens]
    for start, end in _joined_spans(tokens):
        joined = spellings("".join(tokens[start:end]))
        for j in range(start, end):
            per_token[j].update(joined)
    return per_token


# --- Spelling distance between words sharing a key ------------------------------------------

# Arabic (folded) -> Latin letters where the long vowels written in Arabic stay vowels: ا a,
# و u, ي i (w / y at the start of a word); a final ه (ة) reads as a.
_ARABIC_SPELLING = {**_ARABIC_TO_LATIN, "خ": "k", "غ": "g",
                    "ا": "a", "و": "u", "ي": "i", "ئ": "i", "ؤ": "u"}
_SPELLING_VOWELS = frozenset("aeiou'")


@lru_cache(maxsize=50_000)
def spelling_form(word: str) -> tuple[str, bool]:
    """(form, is Arabic) of a folded word, for spelling_distance.

    The form is spelled like the key (the same Latin rules: kh -> k, ou -> u...), vowels kept,
    doubled letters collapsed, a final h dropped (as in the key); y and w after the first
    letter count as the vowels i and u.
    """
    arabic = is_arabic(word)
    if arabic:
        latin = ""
        for i, c in enumerate(word):
            if i == 0 and c in "وي":
                latin += "w" if c == "و" else "y"
            elif c == "ه" and i == len(word) - 1 and i > 1:
                latin += "a"
            else:
                latin += _ARABIC_SPELLING.get(c, c)
        if latin.startswith("'"):
            latin = "a" + latin[1:]
    else:
        latin = word
        for pattern, replacement in _LATIN_RULES:
            latin = pattern.sub(replacement, latin)
        latin = latin[:1] + latin[1:].replace("y", "i").replace("w", "u")
    out: list[str] = []
    for c in latin:
        if not out or out[-1] != c:
            out.append(c)
    if len(out) > 2 and out[-1] == "h":
        out.pop()
    return "".join(out), arabic


def _indel_cost(c: str, arabic: bool, mixed: bool) -> float:
    """Cost of a letter of one spelling that the other lacks."""
    if c not in _SPELLING_VOWELS:
        return 1.0
    if c == "'":
        return 0.2  # ain: rarely written in Latin letters
    if not mixed:
        return 1.0 if arabic else 0.5  # Arabic letters are all written; Latin vowels vary
    if arabic:
        return 0.5  # a long vowel written in Arabic, missing from the Latin spelling
    # A Latin vowel that the Arabic does not write: short vowels are never written, and a, e,
    # o are mostly short; i and u often stand for the long vowels ي and و.
    return 0.2 if c in "aeo" else 0.5


@lru_cache(maxsize=50_000)
def _spelling_costs(word: str, mixed: bool) -> tuple[str, bool, tuple[float, ...]]:
    form, arabic = spelling_form(word)
    return form, arabic, tuple(_indel_cost(c, arabic, mixed) for c in form)


@lru_cache(maxsize=50_000)
def spelling_distance(a: str, b: str) -> float:
    """Weighted edit distance of two folded words, meant for words with the same name key.

    Consonants cost 1; vowels cost less (0.5 between Latin spellings, whose vowels vary); a
    vowel that Arabic script leaves unwritten costs 0.2. Between two Arabic words every letter
    costs 1.
    """
    mixed = spelling_form(a)[1] != spelling_form(b)[1]
    fa, arabic_a, del_a = _spelling_costs(a, mixed)
    fb, arabic_b, ins_b = _spelling_costs(b, mixed)
    if fa == fb:
        return 0.0
    vowel_swap = 1.0 if arabic_a and arabic_b else 0.5
    vowels = _SPELLING_VOWELS
    previous = [0.0]
    for cost in ins_b:
        previous.append(previous[-1] + cost)
    for i, ca in enumerate(fa):
        deletion = del_a[i]
        left = previous[0] + deletion
        current = [left]
        a_vowel = ca in vowels
        for j, cb in enumerate(fb):
            if ca == cb:
                best = previous[j]
            else:
                best = previous[j] + (vowel_swap if a_vowel and cb in vowels else 1.0)
            up = previous[j + 1] + deletion
            best = min(best, up)
            left += ins_b[j]
            best = min(best, left)
            left = best
            current.append(best)
        previous = current
    return round(previous[-1], 2)


# --- Whoosh analyzers -------------------------------------------------------------------------


class FoldingTokenizer(Tokenizer):
    """Words with original character offsets, texts folded (case, accents, Arabic)."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    # Whoosh's Tokenizer signature, passed by name: not every argument matters here.
    def __call__(
        self, value: str, positions: bool = False, chars: bool = False,
        keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
        start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any,  # noqa: ARG002
    ) -> Iterator[Token]:  # fmt: skip
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in WORD_RE.finditer(value):
            folded = fold_word(match.group())
            if not folded:
                continue
            t.text = folded
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = match.group()
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class NameKeyTokenizer(Tokenizer):
    """Cross-script keys of a field's names, as terms. Names are separated by newlines so
    particles never join across two different names (variants, native name)."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    # Whoosh's Tokenizer signature, passed by name: not every argument matters here.
    def __call__(
        self, value: str, positions: bool = False, chars: bool = False,
        keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,  # noqa: ARG002
        start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any,  # noqa: ARG002
    ) -> Iterator[Token]:  # fmt: skip
        keys: set[str] = set()
        for line in value.split("\n"):
            keys |= name_keys(words(line))
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, term in enumerate(sorted(keys)):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t


def folding_analyzer() -> Composable:
    return FoldingTokenizer()


def name_key_analyzer() -> Composable:
    return NameKeyTokenizer()
