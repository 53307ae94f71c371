"""Country, specialism and language names matched through their codes.

The index is given the vocabularies once (SearchIndex(vocabulary_terms=...)) instead of holding
the labels in every document: a query word that is a label word becomes a match on the codes in
the ``country`` / ``specialism`` / ``language`` fields. Without vocabulary terms the labels are
indexed per document, in the ``place`` / ``matter`` / ``speaks`` fields.
"""

from __future__ import annotations

from index.analysis import words

# Vocabulary -> the field holding its labels when they are indexed per document.
LABEL_FIELDS = {"country": "place", "specialism": "matter", "language": "speaks"}
# A word of more labels than this ("of", "republic", "de") would match nearly everybody.
MAX_CODES_PER_WORD = 8


class Labels(dict[str, dict[str, tuple[str, ...]]]):
    """{"country": {folded word: (codes...)}, ...}; ``whole`` gives, per vocabulary, the words
    that are a whole label on their own, with the codes of those labels."""

    def __init__(self) -> None:
        super().__init__()
        self.whole: dict[str, dict[str, frozenset[str]]] = {}


def label_words(vocabulary_terms: dict[str, dict[str, str]] | None) -> Labels:
    """{"country": {folded word: (codes...)}, ...} from {"country": {label: code}, ...}.

    Every word of a label counts (as when the labels were indexed per document): "asset
    recovery" is two words, each pointing at asset-recovery; the codes themselves are words too.
    Words of many labels are left out. A label of one word (and a code) is also recorded as
    *whole*.
    """
    result = Labels()
    for vocabulary, terms in (vocabulary_terms or {}).items():
        if vocabulary not in LABEL_FIELDS:
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
            if len(codes) <= MAX_CODES_PER_WORD
        }
        result.whole[vocabulary] = {
            word: frozenset(codes) for word, codes in whole.items() if word in result[vocabulary]
        }
    return result
