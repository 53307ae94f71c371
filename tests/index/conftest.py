"""Fixtures for the search index tests: a real index in tmp_path (no mocks)."""

import pytest
from index_fixtures import synthetic_population


@pytest.fixture
def new_index(tmp_path):
    """A factory of SearchIndex objects on one directory (several = several processes)."""
    from index import SearchIndex

    opened = []

    def factory(path=None, **kwargs):
        search_index = SearchIndex(str(path or tmp_path / "search-index"), **kwargs)
        opened.append(search_index)
        return search_index

    yield factory
    for search_index in opened:
        search_index.close()


@pytest.fixture
def populated(new_index):
    """An index holding 300 synthetic documents, built by rebuild()."""
    docs = synthetic_population(300)
    search_index = new_index()
    search_index.rebuild(docs, watermark=300)
    return search_index, docs
