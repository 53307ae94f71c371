"""Full-text search of contact points (Whoosh), a projection of the database.

The caller gives plain documents (dicts) with a change sequence and gets back ids, scores and
highlights; nothing here knows about Flask or the database. All Whoosh code stays in this package.

Modules: ``analysis`` (folding, Arabic normalisation, cross-script name keys), ``schema`` (the
Whoosh schema and its version), ``indexer`` (writing, rebuild-and-swap, the SearchIndex),
``query`` (what a search asks and answers, its limits), ``segments`` (what is read from the
index and cached), ``ranking`` (clauses and scores), ``labels`` (country, matter and language
names through their codes), ``fuzzy`` (typo distance), ``bitsets``, ``search`` (filters, facets,
paging) and ``highlight``.
"""

from index.indexer import IndexUnavailable, LockBusy, SearchIndex
from index.query import (
    FACET_FIELDS,
    MAX_QUERY,
    SORTS,
    Hit,
    QueryTooLong,
    SearchQuery,
    SearchResult,
)

__all__ = [
    "FACET_FIELDS",
    "MAX_QUERY",
    "SORTS",
    "Hit",
    "IndexUnavailable",
    "LockBusy",
    "QueryTooLong",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
]
