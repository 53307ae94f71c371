"""Full-text search of contact points (Whoosh), a projection of the database.

The caller gives plain documents (dicts) with a change sequence and gets back ids, scores and
highlights; nothing here knows about Flask or the database. All Whoosh code stays in this package.
"""

from index.indexer import IndexUnavailable, LockBusy, SearchIndex
from index.search import Hit, QueryTooLong, SearchQuery, SearchResult

__all__ = [
    "Hit",
    "IndexUnavailable",
    "LockBusy",
    "QueryTooLong",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
]
