"""The Whoosh schema of the contact-point index.

The index is a projection of the database: it holds what search needs to find, filter, facet,
sort and highlight, and the caller loads the rows by id. Text fields share one folding analyzer
so that a query word is one term for every field; cross-script name keys get a field of their
own, so their weight can be set below exact matches at query time.

Indexing cost is one posting per (document, distinct term), and building is pure Python, so
the schema indexes only what cannot be derived at query time:

* word beginnings (as-you-type) are not indexed: the query expands the last word over the
  in-memory lexicons of the name, organisation and city fields (segments.Segment.prefixed);
* with vocabulary terms (SearchIndex(vocabulary_terms=...)), the labels of countries,
  specialisms and languages are not indexed per document: a query word that is a label word
  becomes a filter-like match on the codes in ``country`` / ``specialism`` / ``language``
  (labels.py);
* sort keys and the verified day are columns only (no terms).
"""

from whoosh import fields
from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn

from index.analysis import folding_analyzer, name_key_analyzer

# Bump whenever the schema or the analysis of a field changes (analysis.py: a new name key rule
# changes the terms): an index of another version is rebuilt (indexer.CURRENT_GENERATION).
SCHEMA_VERSION = 2

# Value of the ``id`` field of the one document that carries the index's watermark; keeping it
# in the index makes the watermark part of the same commit as the changes it describes.
META_ID = "meta"


def build_schema() -> fields.Schema:
    folded = folding_analyzer()
    schema = fields.Schema(
        # Contact point id as text (or META_ID): the unique key for update_document/delete.
        id=fields.ID(stored=True, unique=True),
        # Watermark (last change sequence applied); only set on the META_ID document.
        watermark=fields.STORED(),
        # Latin names: given + family name and the name variants, one per line. Highest weight.
        name=fields.TEXT(analyzer=folded, stored=True, phrase=False),
        # Native-script name (often Arabic), normalised. Same weight as ``name``.
        native_name=fields.TEXT(analyzer=folded, stored=True, phrase=False),
        # Cross-script consonant keys of every name (see analysis.skeleton): weighed below an
        # exact name, above a typo (ranking.KEY_BOOST).
        name_key=fields.KEYWORD(analyzer=name_key_analyzer()),
        # Organisation name and its native-script name.
        organisation=fields.TEXT(analyzer=folded, stored=True, phrase=False),
        # Job title.
        title=fields.TEXT(analyzer=folded, stored=True, phrase=False),
        # City.
        city=fields.TEXT(analyzer=folded, stored=True, phrase=False),
        # Country names (en, fr, ar) -- only when the index has no vocabulary terms.
        place=fields.TEXT(analyzer=folded, phrase=False),
        # Specialism labels (en, fr, ar) -- only when the index has no vocabulary terms.
        matter=fields.TEXT(analyzer=folded, phrase=False),
        # Language labels -- only when the index has no vocabulary terms.
        speaks=fields.TEXT(analyzer=folded, phrase=False),
        # E-mail addresses, split into words (local part, domain parts).
        emails=fields.TEXT(analyzer=folded, phrase=False),
        # Free-text notes: lowest weight; stored for highlighting.
        notes=fields.TEXT(analyzer=folded, stored=True, phrase=False),
        # --- filters and facets (exact slugs, never analysed) ---
        # ISO alpha-2 country code; column for the country sort.
        country=fields.ID(sortable=RefBytesColumn()),
        # Network slugs (multi-valued).
        network=fields.KEYWORD(),
        # Specialism slugs (multi-valued).
        specialism=fields.KEYWORD(),
        # Language codes (multi-valued).
        language=fields.KEYWORD(),
        # Organisation kind slug ("" -> "none").
        kind=fields.ID(),
        # "1" if available 24/7, else "0".
        urgent=fields.ID(),
        # Entry status: active / inactive (archived entries are not indexed).
        status=fields.ID(),
        # Last-verified date as a day ordinal (0 = never): the verified filter/facet and sort.
        verified_day=fields.COLUMN(NumericColumn("I", default=0)),
        # Folded "family given native" (UTF-8) for the name sort.
        sort_name=fields.COLUMN(VarBytesColumn()),
    )
    for field_type in dict(schema.items()).values():
        if field_type.indexed and not field_type.scorable:
            # Whoosh looks up the field-length column of every posting when it writes a
            # segment; for a field without lengths that is one stat() call per posting, which
            # made a rebuild three times slower. Storing lengths costs almost nothing.
            field_type.scorable = True
    return schema


# Fields whose stored text the highlighter marks up (highlight.Highlighter).
HIGHLIGHT_FIELDS = ("name", "native_name", "organisation", "notes", "title", "city")
