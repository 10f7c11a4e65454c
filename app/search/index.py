"""The on-disk index: schema, generations with an atomic ``current`` pointer, locking, journal, searchers.

Layout of ``SEARCH_INDEX_DIR``::

    current -> gen-<ns>-<pid>    symlink to the live whoosh index (swapped atomically by reindex)
    gen-*/                       whoosh index directories (the live one and the previous one)
    write.lock                   fcntl lock held around every short writer session and around a rebuild
    journal, journal.lock        (kind, id) pairs that could not be written yet (lock busy or index broken)

Every writer holds ``write.lock`` (waiting with backoff up to a timeout), so whoosh's own lock is never
contended and no ``LockError`` can reach a user. A writer that still cannot get the lock appends its
updates to the journal, which the next lock holder (writer, rebuild or search) replays: no update is lost.
"""

import contextlib
import fcntl
import gc
import json
import logging
import mmap
import os
import shutil
import sys
import threading
import time
import warnings
from pathlib import Path

from whoosh import columns, formats
from whoosh import index as whoosh_index
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from app.search.analysis import bigram_analyzer, fold, pinyin_tokens, sort_pinyin
from app.search.documents import SearchDocument

log = logging.getLogger(__name__)

SCHEMA_VERSION = "5"
TEXT_FIELDS = ("title", "aliases", "keywords", "summary", "body")
FIELD_BOOSTS = {"title": 10.0, "aliases": 6.0, "keywords": 4.0, "summary": 2.0, "body": 1.0}
NO_GEO = 999.0


@contextlib.contextmanager
def quiet_leaks(always: bool = True):
    """Collect the file objects whoosh leaves open when it fails on a broken index, without warnings.

    ``always=False`` collects only when the block raises: a full collection costs 100-200 ms on a big
    heap, far too much for every successful index open (each worker thread reopens after every change).
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: log.debug("search: broken index object: %r", unraisable.exc_value)
    failed = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                yield
                failed = False
            finally:
                if always or failed:
                    gc.collect()
    finally:
        sys.unraisablehook = hook


class MappedStorage(FileStorage):
    """Index files read through a shared read-only memory map, not a file object.

    Segments are plain files (``engine.SEGMENT_OPTIONS``). Read through ``open()``, every seek and read of a
    posting list or term is a system call that lets go of the GIL, so a thread answering a search kept
    waiting to get it back while other threads rendered (8% fewer distinct searches per second with four
    threads). A map of the file reads like memory and is the OS page cache itself: shared by every thread
    and worker, never copied into a process (as whoosh's own compound-file reader does). Each open gets its
    own map object, so each thread's reader keeps its own position. Writers create files as before.
    Segment files are never changed once written (a change writes a new segment; a rebuild a new
    directory), so a map never sees its file shrink; a removed file stays readable while mapped.
    """

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as f:
            try:
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
        return StructFile(mapped, name=name, **kwargs)


class IndexUnavailable(Exception):
    """The index is missing, from an older schema or unreadable."""


class BIGRAMS(FieldType):
    """Chinese text as bigram tokens. ``freq`` keeps term frequencies (the body, for ranking among body
    mentions); other fields store presence only. Kept "scorable" (per-document lengths) because
    whoosh's posting writer looks the lengths up for every posting and stats a file when they are absent."""

    def __init__(self, freq: bool = False):
        self.analyzer = bigram_analyzer()
        self.format = formats.Frequency() if freq else formats.Existence()
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None


def make_schema() -> Schema:
    return Schema(
        uid=ID(unique=True, stored=True),
        kind=ID(stored=True, sortable=True),
        title=BIGRAMS(),
        aliases=BIGRAMS(),
        keywords=BIGRAMS(),
        summary=BIGRAMS(),
        body=BIGRAMS(freq=True),
        title_exact=ID,
        names=KEYWORD(commas=True, lowercase=False),
        py=KEYWORD(),
        py_alias=KEYWORD(),
        init=KEYWORD(),
        init_alias=KEYWORD(),
        town=ID(sortable=True),
        category=ID(sortable=True),
        era=ID(sortable=True),
        theme=KEYWORD(commas=True, lowercase=False),
        topic=ID(sortable=True),
        validity=ID(sortable=True),
        year=ID(sortable=True),
        article_kind=ID(sortable=True),
        sort_key=ID(sortable=True),
        date=ID(sortable=True),
        lat=COLUMN(columns.NumericColumn("d", default=NO_GEO)),
        lon=COLUMN(columns.NumericColumn("d", default=NO_GEO)),
        data=STORED,
    )


def stored_data(doc: SearchDocument) -> dict:
    """What a hit carries back: display text and facet values (also used by the database fallback)."""
    return {
        "kind": doc.kind,
        "id": str(doc.id),
        "url": doc.url,
        "title": doc.title,
        "aliases": list(doc.aliases),
        "keywords": list(doc.keywords),
        "summary": doc.summary or "",
        "body": doc.body or "",
        "town": doc.town,
        "category": doc.category,
        "era": doc.era,
        "themes": list(doc.themes),
        "topic": doc.topic,
        "validity": doc.validity,
        "year": doc.year,
        "article_kind": doc.article_kind,
        "lat": doc.lat,
        "lon": doc.lon,
        "sort_key": doc.sort_key or sort_pinyin(doc.title),
        "date": doc.date.isoformat() if doc.date else None,
    }


def keyword_text(doc: SearchDocument) -> str:
    """The keywords field: the provider's keywords plus themes, category, town, era and topic, so that
    topic words (红色村庄, 抗战红色足迹) and 镇街 names rank above mere body mentions."""
    extra = [*doc.themes, doc.category, doc.town, doc.era, doc.topic]
    return "\n".join([*doc.keywords, *(v for v in extra if v)])


def _clean(value: str) -> str:
    return value.replace(",", " ").strip()


def doc_fields(doc: SearchDocument) -> dict:
    """Whoosh field values for one document."""
    py, init = pinyin_tokens([doc.title])
    py_alias, init_alias = pinyin_tokens(list(doc.aliases))
    data = stored_data(doc)
    fields = {
        "uid": doc.uid,
        "kind": doc.kind,
        "title": doc.title,
        "aliases": "\n".join(doc.aliases),
        "keywords": keyword_text(doc),
        "summary": doc.summary or "",
        "body": doc.body or "",
        "title_exact": fold(doc.title),
        "names": ",".join(_clean(fold(n)) for n in [doc.title, *doc.aliases] if _clean(n)),
        "py": " ".join(py),
        "py_alias": " ".join(py_alias),
        "init": " ".join(init),
        "init_alias": " ".join(init_alias),
        "theme": ",".join(_clean(t) for t in doc.themes if _clean(t)),
        "sort_key": data["sort_key"],
        "date": data["date"] or "",
        "lat": float(doc.lat) if doc.lat is not None else NO_GEO,
        "lon": float(doc.lon) if doc.lon is not None else NO_GEO,
        "data": data,
    }
    for name in ("town", "category", "era", "topic", "validity", "article_kind"):
        value = getattr(doc, name)
        if value:
            fields[name] = str(value)
    if doc.year is not None:
        fields["year"] = str(doc.year)
    return {k: v for k, v in fields.items() if v != ""}


class IndexStore:
    """One index directory with its generations, lock and journal (one object per process and path)."""

    def __init__(self, base: str | os.PathLike):
        self.base = Path(base)
        self._tls = threading.local()

    # -- paths -------------------------------------------------------------------------------------
    @property
    def current_link(self) -> Path:
        return self.base / "current"

    def live_dir(self) -> Path | None:
        """The live generation directory, or None when there is no index at all."""
        try:
            target = os.readlink(self.current_link)
        except OSError:
            return None
        path = self.base / target
        return path if path.is_dir() else None

    def generation(self) -> str | None:
        live = self.live_dir()
        return live.name if live else None

    # -- locking -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = 10.0):
        """Hold the cross-process write lock; yields False when ``timeout`` passed without it."""
        self.base.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.base / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        acquired = False
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            delay = 0.005
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    acquired = True
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        break
                    time.sleep(delay)
                    delay = min(delay * 2, 0.1)
            yield acquired
        finally:
            if acquired:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- journal -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def journal_lock(self):
        self.base.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.base / "journal.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def journal_append(self, items) -> None:
        """Remember updates that could not be written now."""
        lines = "".join(json.dumps([k, i], ensure_ascii=False) + "\n" for k, i in sorted(items))
        if not lines:
            return
        with self.journal_lock(), open(self.base / "journal", "a", encoding="utf-8") as fh:
            fh.write(lines)

    def journal_pending(self) -> bool:
        try:
            return (self.base / "journal").stat().st_size > 0
        except OSError:
            return False

    def journal_take(self) -> set[tuple[str, str]]:
        """Remove and return every journalled update (call with the write lock held)."""
        path = self.base / "journal"
        with self.journal_lock():
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                return set()
            path.unlink(missing_ok=True)
        items = set()
        for line in text.splitlines():
            try:
                kind, ident = json.loads(line)
                items.add((str(kind), str(ident)))
            except (ValueError, TypeError):
                log.warning("search: ignoring bad journal line %r", line)
        return items

    # -- outbox position ------------------------------------------------------------------------------
    def applied_seq(self) -> int | None:
        """The last outbox entry this host's index has applied (None: unknown)."""
        try:
            return int((self.base / "outbox-seq").read_text().strip())
        except (OSError, ValueError):
            return None

    def set_applied_seq(self, seq: int | None) -> None:
        """Remember the outbox position (atomically; several worker processes read it)."""
        if seq is None:
            return
        self.base.mkdir(parents=True, exist_ok=True)
        tmp = self.base / f"outbox-seq.tmp-{os.getpid()}-{threading.get_ident()}"
        tmp.write_text(str(seq))
        os.replace(tmp, self.base / "outbox-seq")

    # -- generations ---------------------------------------------------------------------------------
    def new_generation(self):
        """Create an empty index in a fresh directory beside the live one; returns (path, index)."""
        self.base.mkdir(parents=True, exist_ok=True)
        path = self.base / f"gen-{time.time_ns()}-{os.getpid()}"
        path.mkdir()
        ix = whoosh_index.create_in(str(path), make_schema())
        (path / "schema-version").write_text(SCHEMA_VERSION)
        return path, ix

    def swap(self, path: Path) -> None:
        """Atomically point ``current`` at ``path`` and remove generations older than the previous one."""
        tmp = self.base / f"current.tmp-{os.getpid()}-{threading.get_ident()}"
        tmp.unlink(missing_ok=True)
        os.symlink(path.name, tmp)
        previous = self.live_dir()
        os.replace(tmp, self.current_link)
        keep = {path.name, previous.name if previous else None}
        for old in self.base.glob("gen-*"):
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def open(self):
        """Open the live index or raise :class:`IndexUnavailable`."""
        live = self.live_dir()
        if live is None:
            raise IndexUnavailable("no search index")
        try:
            version = (live / "schema-version").read_text().strip()
        except OSError as exc:
            raise IndexUnavailable("index without schema version") from exc
        if version != SCHEMA_VERSION:
            raise IndexUnavailable(f"index schema {version}, code expects {SCHEMA_VERSION}")
        error = None
        try:
            with quiet_leaks(always=False):
                return MappedStorage(str(live)).open_index()
        except Exception as exc:
            error = repr(exc)
        raise IndexUnavailable(f"cannot open index: {error}")

    # -- searchers -----------------------------------------------------------------------------------
    def searcher(self):
        """This thread's searcher, reopened when ``current`` moved and refreshed when the index changed.

        A commit by another process can remove a TOC file between listing and opening it; that
        ``FileNotFoundError`` is retried a few times before the index counts as unavailable.
        """
        try:
            return self._searcher_once()
        except IndexUnavailable:
            raise
        except Exception:  # noqa: S110 - retried below, with broken objects collected quietly
            pass
        problem = ""
        with quiet_leaks():
            for attempt in range(3):
                self.forget_searcher()
                time.sleep(0.01 * (attempt + 1))
                try:
                    return self._searcher_once()
                except IndexUnavailable:
                    raise
                except (FileNotFoundError, OSError, EOFError) as exc:
                    problem = f"index kept changing: {exc!r}"
                except Exception as exc:
                    problem = f"cannot read index: {exc!r}"
                    break
            self.forget_searcher()
        raise IndexUnavailable(problem)

    def _searcher_once(self):
        live = self.live_dir()
        if live is None:
            self.forget_searcher()
            raise IndexUnavailable("no search index")
        cached = getattr(self._tls, "cached", None)
        if cached and cached.live == live and cached.searcher.up_to_date():
            return cached.searcher
        # Changed: open a new searcher. Not Searcher.refresh(): it reuses segment readers by segment id
        # and so misses deletions committed into an existing segment (an unpublished entry stays findable).
        self.forget_searcher()
        searcher = self.open().searcher()
        self._tls.cached = _HeldSearcher(live, searcher)
        return searcher

    def forget_searcher(self) -> None:
        cached = getattr(self._tls, "cached", None)
        self._tls.cached = None
        if cached:
            cached.close()


class _HeldSearcher:
    """A thread's searcher, closed when replaced or when its thread ends.

    A searcher holds open files (segments are plain files, ``engine.SEGMENT_OPTIONS``); a thread's
    ``threading.local`` values are dropped when the thread ends, and without this its files would wait for
    the garbage collector (with a ``ResourceWarning``).
    """

    __slots__ = ("live", "searcher")

    def __init__(self, live: Path, searcher) -> None:
        self.live = live
        self.searcher = searcher

    def close(self) -> None:
        searcher, self.searcher = self.searcher, None
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()

    __del__ = close


_STORES: dict[str, IndexStore] = {}
_STORES_LOCK = threading.Lock()


def get_store(path: str | os.PathLike) -> IndexStore:
    """The process-wide store for ``path`` (so each thread keeps one searcher per index)."""
    key = os.path.abspath(path)
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = IndexStore(key)
        return store
