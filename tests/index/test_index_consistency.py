"""The index as a projection of the database: ordered changes, a watermark, a busy writer lock,
rebuild-and-swap, and damaged or missing index files."""

import os
import shutil
import threading

import pytest
from index_fixtures import make_doc, synthetic_population

from index import IndexUnavailable, LockBusy, SearchIndex, SearchQuery


def names(search_index, text):
    return sorted(hit.id for hit in search_index.search(SearchQuery(text=text)).hits)


def test_a_missing_index_is_reported_and_can_be_created(new_index):
    search_index = new_index()
    assert not search_index.exists()
    with pytest.raises(IndexUnavailable, match="rebuilt"):
        search_index.search(SearchQuery(text="x"))
    with pytest.raises(IndexUnavailable):
        search_index.watermark()
    search_index.create()
    assert search_index.exists()
    assert search_index.watermark() == 0
    assert search_index.search(SearchQuery()).total == 0
    search_index.check()


def test_apply_adds_updates_deletes_in_order_and_moves_the_watermark(new_index):
    search_index = new_index()
    search_index.create()
    assert (
        search_index.apply(
            [
                (1, 10, make_doc(10, given_name="Leila", family_name="Haddad")),
                (2, 11, make_doc(11, given_name="Samir", family_name="Haddad")),
                (3, 10, make_doc(10, given_name="Leila", family_name="Berrada")),  # edit
            ]
        )
        == 3
    )
    assert names(search_index, "Haddad") == [11]
    assert names(search_index, "Berrada") == [10]
    assert search_index.apply([(4, 11, None)]) == 4  # delete
    assert names(search_index, "Haddad") == []
    assert search_index.watermark() == 4


def test_changes_at_or_below_the_watermark_are_skipped(new_index):
    search_index = new_index()
    search_index.create()
    search_index.apply([(5, 1, make_doc(1, given_name="Omar", family_name="Sabri"))])
    # A late replay of older changes (another worker already applied them) changes nothing.
    assert (
        search_index.apply(
            [(4, 1, None), (5, 1, make_doc(1, given_name="Old", family_name="Name"))]
        )
        == 5
    )
    assert names(search_index, "Sabri") == [1]
    assert search_index.apply([(5, 1, None), (6, 2, make_doc(2, given_name="Nadia"))]) == 6
    assert names(search_index, "Sabri") == [1]
    assert names(search_index, "Nadia") == [2]
    assert search_index.apply([]) == 6


def test_watermark_never_goes_back(new_index):
    search_index = new_index()
    search_index.create()
    marks = [search_index.apply([(seq, seq, make_doc(seq, given_name="Amina"))])
             for seq in (3, 7, 2, 9, 1)]  # fmt: skip
    assert marks == [3, 7, 7, 9, 9]
    assert names(search_index, "Amina") == [3, 7, 9]


def test_a_busy_writer_lock_raises_lock_busy_and_nothing_is_lost(new_index):
    first = new_index(lock_timeout=0.2)
    first.create()
    other = new_index()  # same directory, as another worker process would have
    name = first._current_name()
    held = other._open_ix(name).writer()  # another writer holds the lock
    change = (1, 1, make_doc(1, given_name="Tarek", family_name="Saleh"))
    try:
        with pytest.raises(LockBusy):
            first.apply([change])
        assert first.watermark() == 0
        assert names(first, "Tarek") == []  # search still works while the lock is held
    finally:
        held.cancel()
    # The change waited in the database; the next catch-up applies it.
    assert first.apply([change]) == 1
    assert names(first, "Tarek") == [1]


def test_a_write_waits_for_a_lock_released_within_the_timeout(new_index):
    first = new_index(lock_timeout=5)
    first.create()
    held = first._open_ix(first._current_name()).writer()
    threading.Timer(0.3, held.cancel).start()
    assert first.apply([(1, 1, make_doc(1, given_name="Walid"))]) == 1


def test_writes_of_one_process_are_seen_by_the_other(new_index):
    writer_side, reader_side = new_index(), new_index()
    writer_side.create()
    assert names(reader_side, "Mounir") == []
    writer_side.apply([(1, 1, make_doc(1, given_name="Mounir"))])
    assert names(reader_side, "Mounir") == [1]
    writer_side.apply([(2, 1, None)])
    assert names(reader_side, "Mounir") == []
    assert reader_side.watermark() == 2


def test_a_deleted_index_raises_index_unavailable(new_index, tmp_path):
    search_index = new_index()
    search_index.rebuild(synthetic_population(20), watermark=20)
    assert search_index.search(SearchQuery(text="Parquet")).total > 0
    shutil.rmtree(search_index.path)
    with pytest.raises(IndexUnavailable):
        search_index.search(SearchQuery(text="Parquet"))
    with pytest.raises(IndexUnavailable):
        search_index.check()
    with pytest.raises(IndexUnavailable):
        search_index.suggest(SearchQuery(text="Par", per_page=8))
    with pytest.raises(IndexUnavailable):
        search_index.apply([(21, 1, None)])
    assert not search_index.exists()


def test_an_index_of_another_schema_version_counts_as_missing(new_index):
    """An index written by an earlier version (another schema) is not read: the caller rebuilds
    it, as it does a missing one."""
    search_index = new_index()
    search_index.rebuild([make_doc(1, given_name="Leila", family_name="Haddad")], watermark=1)
    old_name = "gen-1a2b3c-old"  # how an index of schema version 1 was named
    os.rename(os.path.join(search_index.path, search_index._current_name()),
              os.path.join(search_index.path, old_name))
    with open(os.path.join(search_index.path, "CURRENT"), "w", encoding="utf-8") as current:
        current.write(old_name)
    search_index.close()
    assert not search_index.exists()
    with pytest.raises(IndexUnavailable, match="another version"):
        search_index.search(SearchQuery(text="Haddad"))
    with pytest.raises(IndexUnavailable, match="another version"):
        search_index.apply([(2, 1, None)])
    search_index.rebuild([make_doc(1, given_name="Leila", family_name="Haddad")], watermark=1)
    assert search_index.exists()
    assert names(search_index, "Haddad") == [1]
    assert not os.path.exists(os.path.join(search_index.path, old_name))


def segment_files(search_index):
    directory = os.path.join(search_index.path, search_index._current_name())
    return [os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".seg")]


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.9, 0.999])
def test_a_truncated_segment_raises_index_unavailable(new_index, keep):
    search_index = new_index()
    search_index.rebuild(synthetic_population(200), watermark=200)
    assert search_index.search(SearchQuery(text="Parquet")).total > 0
    for path in segment_files(search_index):
        size = os.path.getsize(path)
        with open(path, "r+b") as segment:
            segment.truncate(int(size * keep))
    fresh = new_index()  # a worker starting after the damage
    for operation in (
        lambda ix: ix.check(),
        lambda ix: ix.search(SearchQuery(text="Parquet", filters={"country": ["MA"]})),
        lambda ix: ix.search(SearchQuery(sort="name")),
        lambda ix: ix.suggest(SearchQuery(text="Par", per_page=8)),
        lambda ix: ix.watermark(),
    ):
        for ix in (fresh, search_index):
            with pytest.raises(IndexUnavailable):
                ix.close()  # the running worker re-reads too: check/reopen must notice
                operation(ix)


def test_check_finds_truncation_even_with_a_searcher_open(new_index):
    search_index = new_index()
    search_index.rebuild(synthetic_population(50), watermark=50)
    search_index.search(SearchQuery(text="Parquet"))
    for path in segment_files(search_index):
        with open(path, "r+b") as segment:
            segment.truncate(os.path.getsize(path) - 10)
    with pytest.raises(IndexUnavailable):
        search_index.check()


def test_reindex_repairs_a_damaged_index(new_index):
    search_index = new_index()
    docs = synthetic_population(30)
    search_index.rebuild(docs, watermark=30)
    for path in segment_files(search_index):
        with open(path, "r+b") as segment:
            segment.truncate(100)
    with pytest.raises(IndexUnavailable):
        search_index.check()
    search_index.rebuild(docs, watermark=30)
    search_index.check()
    assert search_index.search(SearchQuery()).total == 30


def test_rebuild_swaps_while_another_process_keeps_searching(new_index):
    searching, rebuilding = new_index(), new_index()
    old = synthetic_population(150, seed=1)
    rebuilding.rebuild(old, watermark=150)
    assert searching.search(SearchQuery()).total == 150

    errors, totals = [], []
    stop = threading.Event()

    def keep_searching():
        while not stop.is_set():
            try:
                totals.append(searching.search(SearchQuery(text="Procureur")).total)
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                errors.append(error)

    thread = threading.Thread(target=keep_searching)
    thread.start()
    try:
        new = synthetic_population(80, seed=2, start_id=5000)
        rebuilding.rebuild(new, watermark=400)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert totals
    assert searching.search(SearchQuery()).total == 80
    assert searching.watermark() == 400
    # The old generation is gone; only the live one remains.
    generations = [e for e in os.listdir(searching.path) if e.startswith("gen-")]
    assert generations == [searching._current_name()]


def test_threads_share_one_searcher_safely(populated):
    search_index, _docs = populated
    expected = {text: names(search_index, text) for text in ("Haddad", "Rabat", "Procureur")}
    failures = []

    def worker():
        for _ in range(30):
            for text, ids in expected.items():
                if names(search_index, text) != ids:
                    failures.append(text)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_multiprocess_rebuild_gives_one_segment_and_the_same_results(new_index, tmp_path):
    docs = synthetic_population(300)
    single = new_index(tmp_path / "one")
    single.rebuild(docs, watermark=1)
    parallel = SearchIndex(str(tmp_path / "two"))
    try:
        parallel.rebuild(docs, watermark=1, procs=2)
        assert len(segment_files(parallel)) == 1
        for text in ("Haddad", "Mahmoud Bennani", "Parq", "محمد"):
            assert names(parallel, text) == names(single, text)
    finally:
        parallel.close()


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.9])
def test_a_damaged_segment_leaks_no_file_handle(new_index, keep):
    """Writes and reads on a damaged index close every file they opened on the way, instead of
    leaving them to the garbage collector (a ResourceWarning, an error under these settings);
    the exception raised keeps no Whoosh frame alive."""
    import gc
    import warnings

    search_index = new_index()
    search_index.rebuild(synthetic_population(40), watermark=40)
    for seq in (41, 42, 43):  # several segments: the readers of the first open fine
        search_index.apply([(seq, seq, make_doc(seq, given_name="Zoubeida"))])
    assert names(search_index, "Zoubeida") == [41, 42, 43]
    largest = max(segment_files(search_index), key=os.path.getsize)
    with open(largest, "r+b") as segment:
        segment.truncate(int(os.path.getsize(largest) * keep))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for operation in (
            lambda ix: ix.apply([(44, 44, make_doc(44, given_name="Zoubeida"))]),
            lambda ix: ix.search(SearchQuery(text="Zoubeida")),
            lambda ix: ix.check(),
        ):
            for ix in (search_index, new_index()):
                ix.close()
                with pytest.raises(IndexUnavailable) as raised:
                    operation(ix)
                assert raised.value.__cause__ is None and raised.value.__context__ is None
                assert len(raised.value.args) == 2 and isinstance(raised.value.args[1], str)
                del raised
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []
