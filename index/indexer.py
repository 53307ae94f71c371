"""The search index as a projection of the database: apply changes, rebuild-and-swap, search.

Layout of the index directory given by the caller::

    <path>/CURRENT                    name of the live Whoosh index sub-directory (replaced
                                      atomically)
    <path>/gen-v<version>-<stamp>/    a Whoosh index of schema version <version>; its writer
                                      lock (WRITELOCK) lives here

An index of another schema version (schema.SCHEMA_VERSION) counts as missing: ``exists()`` is
false, searching it raises IndexUnavailable, and the caller rebuilds it, as it does a missing one.

A rebuild writes a new ``gen-*`` directory, then replaces CURRENT with ``os.replace``, so
searches in every process keep working during the build and move to the new index on their
next query. The watermark (last change sequence applied) is stored in a special document of
the index, so it is committed together with the changes it counts.

Files are read without mmap: a truncated file then raises an exception we can turn into
IndexUnavailable, instead of killing the process with SIGBUS.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeGuard, TypeVar

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.index import LockError as WriterLockError

from index.analysis import fold_word, words
from index.labels import label_words
from index.query import QueryTooLong, SearchQuery, SearchResult, check_length
from index.schema import META_ID, SCHEMA_VERSION, build_schema
from index.search import search_snapshot
from index.segments import Part, Segment, Snapshot

T = TypeVar("T")
# (change sequence, contact point id, document or None when the entry is no longer indexed)
Change = tuple[int, int, dict[str, Any] | None]

CURRENT = "CURRENT"
GEN_PREFIX = "gen-"
# Generations of this schema version; any other is rebuilt.
CURRENT_GENERATION = f"{GEN_PREFIX}v{SCHEMA_VERSION}-"


DAMAGED = "The search index is damaged or unreadable; it must be rebuilt."
# How often a failing read is retried on a snapshot reopened from disk before the index is
# called damaged (a concurrent merge in another process can remove files just listed).
RETRIES_BEFORE_DAMAGED = 2
NOT_UPDATED = "The search index could not be updated; it must be rebuilt."
MISSING = "The search index does not exist yet; it must be rebuilt."
OTHER_VERSION = "The search index was built by another version of Counterpart; it must be rebuilt."


class IndexUnavailable(Exception):
    """The index is missing, corrupt or unreadable; ``str(error)`` is user-presentable (a second
    argument, when present, is the technical cause, for the log)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "The search index is unavailable."


class _Storage(FileStorage):
    """A FileStorage that remembers the files it opened, so that a failure can close them.

    Whoosh opens a segment's files one after the other; when a damaged file makes it fail
    half-way, the files already opened are referenced only by objects that were being built
    (a half-made reader, a half-made list of readers) and would be closed by the garbage
    collector, later, with a ResourceWarning (an error where warnings are errors). The
    references kept here are strong so that nothing is collected before the failure is
    handled: the index then closes its readers (or cancels its writer), and ``close_files()``
    closes whatever is still open.
    """

    def __init__(self, path: str):
        super().__init__(path, supports_mmap=False)
        self._opened: dict[int, Any] = {}  # Whoosh's StructFile
        self._count = 0

    def open_file(self, name: str, **kwargs: Any) -> Any:
        handle = super().open_file(name, **kwargs)
        self._count += 1
        if self._count % 64 == 0:  # forget the files closed since (readers closed normally)
            self._opened = {n: h for n, h in self._opened.items() if not h.is_closed}
        self._opened[self._count] = handle
        return handle

    def mark(self) -> int:
        """A point in time for close_files(since=...)."""
        return self._count + 1

    def close_files(self, since: int = 0) -> None:
        """Close the files opened (from ``since`` on) that are still open, and forget them."""
        for number in [n for n in self._opened if n >= since]:
            handle = self._opened.pop(number)
            if not handle.is_closed:
                try:
                    handle.close()
                except Exception:  # noqa: BLE001, S110 - closing after a failure must not fail
                    pass


class LockBusy(Exception):
    """Another writer holds the index lock; the changes stay in the database for the next
    catch-up."""


def document_fields(doc: dict[str, Any], *, labels: bool = True) -> dict[str, Any]:
    """A contact-point document (see the package docstring) as Whoosh field values.

    ``labels=False`` (an index with vocabulary terms) leaves out the country, specialism and
    language labels: queries find those through the codes (labels.LABEL_FIELDS).
    """
    given = doc.get("given_name") or ""
    family = doc.get("family_name") or ""
    native = doc.get("native_name") or ""
    variants = [v for v in (doc.get("name_variants") or []) if v]
    full_name = f"{given} {family}".strip()
    names = "\n".join([full_name, *variants])
    organisation = "\n".join(
        v for v in (doc.get("organisation"), doc.get("organisation_native")) if v
    )
    country = (doc.get("country") or "").upper()
    specialisms = list(doc.get("specialisms") or [])
    languages = list(doc.get("languages") or [])
    verified_on = doc.get("last_verified_on")
    fields = {
        "id": str(int(doc["id"])),
        "name": names,
        "native_name": native,
        "name_key": "\n".join([full_name, *variants, native]),
        "organisation": organisation,
        "title": doc.get("title") or "",
        "city": doc.get("city") or "",
        "emails": " ".join(doc.get("emails") or []),
        "notes": doc.get("notes") or "",
        "country": country,
        "network": " ".join(doc.get("networks") or []),
        "specialism": " ".join(specialisms),
        "language": " ".join(languages),
        "kind": doc.get("kind") or "none",
        "urgent": "1" if doc.get("urgent") else "0",
        "status": doc.get("status") or "active",
        "verified_day": verified_on.toordinal() if isinstance(verified_on, date) else 0,
        "sort_name": (fold_word(f"{family} {given} {native}".strip()) or "~").encode("utf-8"),
    }
    if labels:
        fields["place"] = " ".join(v for v in (doc.get("country_names") or "", country) if v)
        fields["matter"] = " ".join([doc.get("specialism_labels") or "", *specialisms])
        fields["speaks"] = " ".join([doc.get("language_labels") or "", *languages])
    # Empty values cost a field-length entry and nothing else; leave them out.
    return {name: value for name, value in fields.items() if value != ""}


def _is_indexed(doc: dict[str, Any] | None) -> TypeGuard[dict[str, Any]]:
    return doc is not None and doc.get("status") != "archived"


class SearchIndex:
    """One index directory, used by one process (many threads); other processes may share the
    directory through their own SearchIndex.

    ``vocabulary_terms`` ({"country": {label: code}, "specialism": {label: slug},
    "language": {label: code}}), given once, lets queries match country, specialism and language
    names through the codes, so the labels need not be indexed in every document.
    """

    def __init__(self, path: str, lock_timeout: float = 5.0,
                 vocabulary_terms: dict[str, dict[str, str]] | None = None):  # fmt: skip
        self.path = os.path.abspath(path)
        self.lock_timeout = lock_timeout
        self._labels = label_words(vocabulary_terms)
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._generation_dir: str | None = None
        self._storage: _Storage | None = None
        # Segment id -> Segment: kept across index changes (see segments.Segment).
        self._segments: dict[str, Segment] = {}

    # --- locations ---------------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            with open(os.path.join(self.path, CURRENT), encoding="utf-8") as current:
                name = current.read().strip()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise IndexUnavailable(f"The search index cannot be read ({error.strerror}).") from None
        return name or None

    def _open_ix(self, name: str) -> FileIndex:
        return _Storage(os.path.join(self.path, name)).open_index()

    def _point_to(self, name: str) -> None:
        temporary = os.path.join(self.path, f"{CURRENT}.{secrets.token_hex(4)}.tmp")
        with open(temporary, "w", encoding="utf-8") as current:
            current.write(name)
            current.flush()
            os.fsync(current.fileno())
        os.replace(temporary, os.path.join(self.path, CURRENT))

    def _live_name(self) -> str:
        """The live generation; IndexUnavailable when there is none of this schema version."""
        name = self._current_name()
        if name is None:
            raise IndexUnavailable(MISSING)
        if not name.startswith(CURRENT_GENERATION):
            raise IndexUnavailable(OTHER_VERSION)
        return name

    def _new_generation(self) -> tuple[str, FileIndex]:
        name = f"{CURRENT_GENERATION}{time.time_ns():x}-{secrets.token_hex(3)}"
        directory = os.path.join(self.path, name)
        os.makedirs(directory)
        storage = FileStorage(directory, supports_mmap=False)
        return name, storage.create_index(build_schema())

    # --- lifecycle ---------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether a live index of this schema version is there (else: rebuild)."""
        name = self._current_name()
        if not name or not name.startswith(CURRENT_GENERATION):
            return False
        directory = os.path.join(self.path, name)
        try:
            return any(entry.endswith(".toc") for entry in os.listdir(directory))
        except OSError:
            return False

    def create(self) -> None:
        """Create an empty index with watermark 0 (replacing whatever CURRENT pointed to)."""
        self.rebuild([], 0)

    def close(self) -> None:
        with self._lock:
            for segment in self._segments.values():
                _close_quietly(segment)  # closing a broken index must not fail
            if self._storage is not None:
                # What a failed opening left open (see _Storage).
                self._storage.close_files()
            self._segments = {}
            self._snapshot = None
            self._generation_dir = None
            self._storage = None

    # --- reading -----------------------------------------------------------------------------

    def _fresh_snapshot(self) -> Snapshot:
        """The index as its latest table of contents describes it (call with self._lock held).

        Segments already open are reused with their caches; only new segments are read, and
        the deletions of the new table of contents apply.
        """
        for attempt in range(3):
            try:
                name = self._live_name()
            except IndexUnavailable:
                self.close()
                raise
            storage = self._storage
            if storage is None or name != self._generation_dir:
                self.close()
                storage = self._storage = _Storage(os.path.join(self.path, name))
                self._generation_dir = name
            generation = TOC._latest_generation(storage, "MAIN")
            if self._snapshot is not None and self._snapshot.generation == generation:
                return self._snapshot
            if generation < 0:
                if attempt < 2 and self._current_name() != name:
                    continue  # a rebuild swapped the index in and removed this one meanwhile
                raise IndexUnavailable(DAMAGED, "no table of contents")
            try:
                self._snapshot = self._read_snapshot(storage, generation)
                return self._snapshot
            except Exception:
                # A writer may have committed and removed merged segments meanwhile, or a
                # rebuild swapped the index in and removed this one.
                if attempt == 2 or (
                    self._current_name() == name
                    and TOC._latest_generation(storage, "MAIN") == generation
                ):
                    raise
        raise AssertionError("unreachable")

    def _read_snapshot(self, storage: _Storage, generation: int) -> Snapshot:
        mark = storage.mark()
        parts: list[Part] = []
        kept: dict[str, Segment] = {}
        opened: list[Segment] = []
        offset = 0
        try:
            toc = TOC.read(storage, "MAIN", generation)
            for whoosh_segment in toc.segments:
                segment_id = whoosh_segment.segment_id()
                segment = kept.get(segment_id) or self._segments.get(segment_id)
                if segment is None:
                    segment = Segment(storage, toc.schema, whoosh_segment)
                    opened.append(segment)
                kept[segment_id] = segment
                deleted = frozenset(whoosh_segment.deleted_docs() or ())
                parts.append(Part(segment, offset, deleted))
                offset += segment.doc_count
        except BaseException:
            # Close what this attempt opened; the segments already in use stay open.
            for segment in opened:
                _close_quietly(segment)
            storage.close_files(since=mark)
            raise
        for segment_id, segment in self._segments.items():
            if segment_id not in kept:
                _close_quietly(segment)  # merged away; its files may be gone
        self._segments = kept
        return Snapshot(parts, generation, self._labels)

    def _guarded(self, operation: Callable[[Snapshot], T]) -> T:
        """Run `operation` on a fresh snapshot. A failure is retried on a snapshot reopened
        from disk, because another process's writer may have merged away the segments this one
        had just listed; only an index that fails every time is reported as damaged."""
        with self._lock:
            for attempt in range(RETRIES_BEFORE_DAMAGED + 1):
                try:
                    return operation(self._fresh_snapshot())
                except (IndexUnavailable, QueryTooLong):
                    raise
                except Exception as error:  # noqa: BLE001 - any failure of a broken index
                    cause = _forget(error)
                    self.close()
                if attempt < RETRIES_BEFORE_DAMAGED:
                    time.sleep(0.01 * (attempt + 1))
            raise IndexUnavailable(DAMAGED, cause)

    def watermark(self) -> int:
        return self._guarded(_read_watermark)

    def check(self) -> None:
        """Raise IndexUnavailable unless the index opens and every segment file reads whole."""

        def verify(_snapshot: Snapshot) -> None:
            # Reopen from scratch: a cached reader may hide damage done since.
            self.close()
            snapshot = self._fresh_snapshot()
            _read_watermark(snapshot)
            for part in snapshot.parts:
                segment_reader = part.segment.reader
                segment = segment_reader.segment()
                # Compound segment files carry their own directory of sub-files: opening
                # them all and reading their last byte catches truncation.
                storage = segment_reader.storage()
                for filename in storage.list():
                    length = storage.file_length(filename)
                    with storage.open_file(filename) as handle:
                        if length:
                            handle.seek(length - 1)
                            if len(handle.read(1)) != 1:
                                raise IndexUnavailable(f"Segment {segment} is truncated.")
                for docnum in range(segment_reader.doc_count_all()):
                    segment_reader.stored_fields(docnum)
                for fieldname in segment_reader.indexed_field_names():
                    for _ in segment_reader.lexicon(fieldname):
                        pass

        self._guarded(verify)

    def search(self, query: SearchQuery) -> SearchResult:
        check_length(query.text)  # refused before touching the index
        return self._guarded(lambda snapshot: search_snapshot(snapshot, query)[0])

    def suggest(self, query: SearchQuery) -> SearchResult:
        """As-you-type: the first page of ``query`` and its total, without facets or highlights
        (the caller shows each person once, with what tells them apart)."""
        check_length(query.text)
        if not words(query.text):
            return SearchResult(total=0, hits=[], facets={})  # nothing typed that is a word
        return self._guarded(lambda snapshot: search_snapshot(
            snapshot, query, with_facets=False, with_highlights=False)[0])

    # --- writing -----------------------------------------------------------------------------

    def apply(self, changes: list[Change]) -> int:
        """Apply changes with a sequence above the watermark, in order, in one commit."""
        if not changes:
            return self.watermark()
        labels = not self._labels
        for _attempt in range(RETRIES_BEFORE_DAMAGED + 1):
            name = self._live_name()
            # Every failure below closes what it opened (writer, readers, files: see _Storage)
            # and is raised again *outside* the except block, its cause as text: an exception
            # kept in a chain would keep the frames, and with them Whoosh objects, alive.
            storage = _Storage(os.path.join(self.path, name))
            writer = None
            failure: Exception
            try:
                writer = storage.open_index().writer(timeout=self.lock_timeout, delay=0.05)
                result = self._write(writer, name, changes, labels)
            except WriterLockError:
                failure = LockBusy(
                    f"The search index is being written by another process "
                    f"(waited {self.lock_timeout:g} s)."
                )
            except Exception as error:  # any failure of a broken index
                _cancel_quietly(writer)
                storage.close_files()
                if writer is not None and isinstance(error, (KeyError, TypeError, ValueError)):
                    raise  # a malformed document is the caller's bug: say so, unchanged
                message = DAMAGED if writer is None else NOT_UPDATED
                failure = IndexUnavailable(message, _forget(error))
                if writer is None and _attempt < RETRIES_BEFORE_DAMAGED:
                    # Opening raced another process's commit: read the index again.
                    time.sleep(0.01 * (_attempt + 1))
                    continue
            except BaseException:
                _cancel_quietly(writer)
                storage.close_files()
                raise
            else:
                if result is not None:
                    return result
                continue  # a rebuild swapped the index in while we waited for the lock
            raise failure
        raise LockBusy("The search index was being rebuilt; try again.")

    def _write(self, writer: Any, name: str, changes: list[Change], labels: bool) -> int | None:
        """Apply ``changes`` through ``writer`` and commit; None if the index was swapped."""
        if self._current_name() != name:
            writer.cancel()
            return None
        watermark = _writer_watermark(writer)
        pending = sorted((c for c in changes if c[0] > watermark), key=lambda c: c[0])
        if not pending:
            writer.cancel()
            return watermark
        # Only the last change of an entry counts: Whoosh's update_document does not replace a
        # document added earlier in the same (uncommitted) writer.
        latest: dict[int, dict[str, Any] | None] = {}
        for _seq, contact_point_id, doc in pending:
            latest[int(contact_point_id)] = doc
        for contact_point_id, doc in latest.items():
            if _is_indexed(doc):
                writer.update_document(**document_fields({**doc, "id": contact_point_id},
                                                         labels=labels))
            else:
                writer.delete_by_term("id", str(int(contact_point_id)))
        new_watermark = pending[-1][0]
        writer.update_document(id=META_ID, watermark=new_watermark)
        writer.commit()
        return new_watermark

    def rebuild(self, documents: Iterable[dict[str, Any]], watermark: int, *,
                procs: int = 1) -> None:  # fmt: skip
        """Build a fresh single-segment index beside the live one, then swap it in atomically.

        ``procs`` > 1 uses Whoosh's multiprocess writer (documents are analysed in parallel and
        their postings merged into one segment at commit). Since the schema indexes only what
        cannot be derived at query time, merging the postings costs the main process about as
        much as indexing them itself did: measured on 2 cores, one writer is as fast and uses
        half the CPU, so it is the default.
        """
        os.makedirs(self.path, exist_ok=True)
        labels = not self._labels
        name, ix = self._new_generation()
        try:
            if procs > 1:
                writer = ix.writer(procs=procs, multisegment=False, limitmb=256, batchsize=500)
            else:
                # A pool that overflows spills sorted runs to disk and merges them again: 512 MB
                # keeps 100,000 documents in memory (a third less CPU than 256 MB).
                writer = ix.writer(limitmb=512)
            try:
                for doc in documents:
                    if _is_indexed(doc):
                        writer.add_document(**document_fields(doc, labels=labels))
                writer.add_document(id=META_ID, watermark=int(watermark))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            if len(ix._segments()) > 1:
                ix.optimize()
        except BaseException:
            shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)
            raise
        self._point_to(name)
        for entry in os.listdir(self.path):
            if entry.startswith(GEN_PREFIX) and entry != name:
                shutil.rmtree(os.path.join(self.path, entry), ignore_errors=True)


def _forget(error: BaseException) -> str:
    """Describe ``error`` as text and free what its frames hold.

    Call it after closing what the failed operation opened: the text goes into the exception
    raised instead (never chained), and the frames, which may still reference Whoosh objects,
    are cleared now rather than whenever the garbage collector gets to them.
    """
    cause = f"{type(error).__name__}: {error}"
    traceback.clear_frames(error.__traceback__)
    error.__traceback__ = None
    return cause


def _close_quietly(segment: Segment) -> None:
    try:
        segment.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken index must not fail
        pass


def _cancel_quietly(writer: Any) -> None:
    if writer is None:
        return
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001, S110 - the index already failed; keep the first error
        pass


def _read_watermark(snapshot: Snapshot) -> int:
    for part in reversed(snapshot.parts):
        for docnum in part.segment.meta_docs():
            if docnum not in part.deleted:
                return int(part.stored_fields(docnum)["watermark"])
    raise IndexUnavailable("The search index has no watermark; it must be rebuilt.")


def _writer_watermark(writer: Any) -> int:
    reader = writer.reader()
    try:
        docnum = reader.first_id("id", META_ID)
        return int(reader.stored_fields(docnum)["watermark"])
    finally:
        reader.close()


__all__ = ["IndexUnavailable", "LockBusy", "SearchIndex", "document_fields"]
