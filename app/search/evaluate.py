"""Query evaluation as set algebra over whoosh postings, with per-searcher caches.

Measured on the 2-core machine at 10k documents, whoosh's pure-Python matchers and BM25 scorer took
80-300 ms for common bigrams and single characters. Here every (field, term) posting list is read once
per searcher into a roaring bitmap (pyroaring): intersections, unions and facet counts run in C. A query
is a list of word groups (see ``words``): documents with every word come first; when they are fewer than
a page, documents with most of the words follow (ranked by how many words they have, then by field:
name > alias > keywords > summary > body, pinyin > initials). The cache lives as long as the searcher,
which is replaced whenever the index changes.
"""

import heapq
import itertools
import math
import operator
import threading

from pyroaring import FrozenBitMap
from whoosh.reading import TermNotFound

from app.search import postings, words
from app.search.analysis import bigrams, is_cjk
from app.search.index import FIELD_BOOSTS, NO_GEO, TEXT_FIELDS

PINYIN_BOOSTS = {"py": 8.0, "py_alias": 5.0}
INITIAL_BOOSTS = {"init": 2.0, "init_alias": 1.5}
EXACT_TITLE_BOOST = 30.0
WORD_WEIGHT = 100.0  # per query word a document has: above any combination of field boosts
BODY_TF_WEIGHT = 0.1  # at most 1.0 in total: below any summary hit (2.0)
TF_BONUS = BODY_TF_WEIGHT * 10  # the most body frequency adds to one document's score
MAX_PREFIX_TERMS = 5000
BOUNDED_FROM = 2000  # match sets larger than this are scored only on their candidates
MAX_CACHED = 4096  # cached posting sets per index snapshot; the cache is dropped when it grows past this
MAX_STORED = 1024  # cached stored documents (a hit's display data) per index snapshot, likewise
MAX_RESULTS = 256  # cached answers (a results page with its facets) per index snapshot, likewise
SPLIT_FROM = 256  # match sets at least this large are scored by field parts (see ``score``)
COLUMN_DEFAULTS = {"sort_key": "", "date": "", "lat": NO_GEO, "lon": NO_GEO}
EMPTY = FrozenBitMap()

_TLS = threading.local()
# The caches of an index snapshot (its directory and whoosh generation), shared by the views of all the
# process's threads; the newest few snapshots are kept.
_SHARED: dict[tuple, dict[str, dict]] = {}
_SHARED_LOCK = threading.Lock()
MAX_SNAPSHOTS = 3
CACHE_NAMES = ("ids", "tf", "df", "cols", "stored", "levels", "results")


def _snapshot_caches(searcher) -> dict[str, dict]:
    """The caches of the snapshot ``searcher`` reads, created on first use.

    Each thread has its own searcher (whoosh readers are not shared between threads), but what a view
    derives from a snapshot is the same for all of them: posting sets, columns, stored data, answers.
    Kept per thread, it was computed and held once per thread: at 10k entries a gthread worker of four
    threads held 580 MB of private memory after 2,000 distinct searches, 506 MB with these shared (one
    thread: ~350 MB; the rest is the threads' own whoosh readers). A dict read or write is atomic under
    the GIL; two threads may compute the same entry once each.
    """
    folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)
    generation = searcher.reader().generation()  # None for an index without segments (an EmptyReader)
    if folder is None or generation is None:  # nothing names the snapshot: nothing is shared
        return {name: {} for name in CACHE_NAMES}
    key = (str(folder), generation)
    with _SHARED_LOCK:
        caches = _SHARED.get(key)
        if caches is None:
            while len(_SHARED) >= MAX_SNAPSHOTS:
                _SHARED.pop(next(iter(_SHARED)))
            caches = _SHARED[key] = {name: {} for name in CACHE_NAMES}
        return caches


def _remember(cache: dict, key, limit: int, compute):
    """``cache[key]``, computed on first use; the cache starts afresh once it holds ``limit`` entries."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = compute()
    return found


def union(sets) -> FrozenBitMap:
    sets = list(sets)
    return FrozenBitMap.union(*sets) if sets else EMPTY


def intersection(sets) -> FrozenBitMap:
    sets = sorted(sets, key=len)
    if not sets:
        return EMPTY
    return FrozenBitMap.intersection(*sets) if sets[0] else EMPTY


class IndexView:
    """Cached posting sets, term frequencies and column values for one searcher (this thread's), the
    caches shared with the other threads' views of the same snapshot."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        caches = _snapshot_caches(searcher)
        self._ids: dict = caches["ids"]
        self._tf: dict = caches["tf"]
        self._df: dict = caches["df"]
        self._cols: dict = caches["cols"]
        self._stored: dict = caches["stored"]
        self._levels: dict = caches["levels"]
        self._results: dict = caches["results"]
        self.deletions = self.reader.has_deletions()

    @classmethod
    def for_searcher(cls, searcher) -> "IndexView":
        view = getattr(_TLS, "view", None)
        if view is None or view.searcher is not searcher:
            view = _TLS.view = cls(searcher)
        return view

    @property
    def live(self) -> FrozenBitMap:
        live = self._cols.get("live")
        if live is None:
            live = self._cols["live"] = FrozenBitMap(self.reader.all_doc_ids())
        return live

    @property
    def names_taught(self) -> bool:
        """Whether jieba has been given this snapshot's names (``query._teach_names``), in this process."""
        return bool(self._cols.get("names-taught"))

    @names_taught.setter
    def names_taught(self, value: bool) -> None:
        self._cols["names-taught"] = value

    def ids(self, field: str, term: str) -> FrozenBitMap:
        def read() -> FrozenBitMap:
            found = postings.doc_ids(self.reader, field, term)
            return FrozenBitMap(found & self.live if self.deletions else found)

        return _remember(self._ids, (field, term), MAX_CACHED, read)

    def stored_data(self, docnum: int) -> dict:
        """The stored ``data`` of a document (what a hit shows), decoded once per index snapshot.

        whoosh decompresses and unpickles a document's stored fields (its whole body included) on every
        read: ~40 µs each, 20 per results page. Shared by every request until the index changes; callers
        must not modify it.
        """
        return _remember(
            self._stored, docnum, MAX_STORED, lambda: self.searcher.stored_fields(docnum).get("data") or {}
        )

    def result(self, key: tuple, compute):
        """The answer to one query (``key``: everything that shapes it), computed once per snapshot.

        A query-result cache, as search servers keep one: a resident pages through results, the live
        search asks for the fragment and then the page, the back button asks again, and many ask for the
        same few words (烈士, 抗日). Read and ranked again, a results page costs ~0.4 ms, half of it the
        snippets. The answer is the same until the index changes, which makes a new snapshot with caches
        of its own. Callers get the stored object: they copy before changing it.
        """
        return _remember(self._results, key, MAX_RESULTS, compute)

    def doc_frequency(self, field: str, term: str) -> int:
        """How many documents have ``term`` (deleted ones included): cheap, from the term dictionary."""

        def read() -> int:
            try:
                return self.reader.doc_frequency(field, term)
            except TermNotFound:
                return 0

        return _remember(self._df, (field, term), MAX_CACHED, read)

    def all_of(self, field: str, terms: list[str]) -> FrozenBitMap:
        """Documents with every one of ``terms`` in ``field``: rarest first, stopping when none are left.

        A name's bigrams are mostly rare in the body; its common ones (烈士, 陵园) are read only while
        some document still has all the rarer ones, which for most names is never.
        """
        found = None
        for term in sorted(terms, key=lambda t: self.doc_frequency(field, t)):
            if not self.doc_frequency(field, term):
                return EMPTY
            found = self.ids(field, term) if found is None else found & self.ids(field, term)
            if not found:
                return EMPTY
        return EMPTY if found is None else found

    def prefix_ids(self, field: str, prefix: str) -> FrozenBitMap:
        def read() -> FrozenBitMap:
            terms = itertools.islice(self.reader.expand_prefix(field, prefix), MAX_PREFIX_TERMS)
            return union(self.ids(field, t.decode("utf-8") if isinstance(t, bytes) else t) for t in terms)

        return _remember(self._ids, (field, prefix, "*"), MAX_CACHED, read)

    def tf(self, field: str, term: str) -> dict:
        return _remember(
            self._tf, (field, term), MAX_CACHED // 4, lambda: postings.frequencies(self.reader, field, term)
        )

    def tf_levels(self, field: str, term: str) -> dict:
        """The documents per term frequency capped at 10 (``min(tf, 10)``, 0 left out), once per snapshot."""

        def read() -> dict:
            docs: dict = {}
            for doc, freq in self.tf(field, term).items():
                level = min(freq, 10)
                if level:
                    docs.setdefault(level, []).append(doc)
            return {level: FrozenBitMap(ids) for level, ids in docs.items()}

        return _remember(self._levels, (field, term), MAX_CACHED // 4, read)

    def terms(self, field: str) -> list[str]:
        """Every term of ``field`` (names for did-you-mean), read once per index snapshot."""
        key = ("terms", field)
        values = self._cols.get(key)
        if values is None:
            values = self._cols[key] = [t.decode("utf-8") for t in self.reader.lexicon(field)]
        return values

    def names_near(self, text: str, least: int) -> list[str]:
        """Names (and aliases) of ``text``'s length ±1 that may share ``least`` of its characters: the
        did-you-mean candidates (``spelling.best_name`` keeps those that do, and compares them).

        Indexed by (character, name length). A name sharing ``least`` of the text's ``k`` characters
        has one of any ``k - least + 1`` of them, so only the lists of the rarest ones are read: a name
        ending in 村 or 旧址 no longer makes every village a candidate (~4 ms per query at 10k entries).
        """
        index = self._cols.get("name-chars")
        if index is None:
            index = {}
            for name in self.terms("names"):
                for ch in set(name):
                    index.setdefault((ch, len(name)), []).append(name)
            self._cols["name-chars"] = index
        lengths = (len(text) - 1, len(text), len(text) + 1)
        chars = set(text)
        by_size = sorted(chars, key=lambda ch: sum(len(index.get((ch, n), ())) for n in lengths))
        found: dict[str, None] = {}
        for ch in by_size[: max(0, len(chars) - least + 1)]:
            for n in lengths:
                found.update(dict.fromkeys(index.get((ch, n), ())))
        return list(found)

    def date_rank(self) -> list[int]:
        """Per document number, its place among the dates (0 = newest; undated documents last)."""
        ranks = self._cols.get("date-rank")
        if ranks is None:
            order = self.date_order()
            ranks = [0] * len(order)
            for position, doc in enumerate(order):
                ranks[doc] = position
            self._cols["date-rank"] = ranks
        return ranks

    def date_order(self) -> list[int]:
        """Every document number, newest first (undated last), equal dates in index order."""
        order = self._cols.get("date-order")
        if order is None:
            dates = self.column("date")
            order = self._cols["date-order"] = sorted(range(len(dates)), key=lambda d: _neg_date(dates[d]))
        return order

    def name_order(self) -> list[int]:
        """Every document number by name pinyin (``sort_key``), equal keys in index order."""
        order = self._cols.get("name-order")
        if order is None:
            keys = self.column("sort_key")
            order = self._cols["name-order"] = sorted(range(len(keys)), key=keys.__getitem__)
        return order

    def column(self, field: str) -> list:
        """Values of a sortable column for every document number, across every segment.

        Not ``reader.column_reader(field)``: on a multi-segment index whoosh's MultiReader skips the
        segments that have no column file for the field (none of their documents had a value), so the
        list came out shorter than ``doc_count_all`` and shifted. Each leaf reader answers for its own
        documents (a default-valued column when it has none), laid out at its document offset.
        """
        values = self._cols.get(field)
        if values is None:
            values = self._cols[field] = read_column(self.reader, field)
        return values


def read_column(reader, field: str) -> list:
    """One value per document number (``doc_count_all`` of them) for ``field``'s column."""
    default = COLUMN_DEFAULTS.get(field, "")
    values = [default] * reader.doc_count_all()
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        part = list(leaf.column_reader(field)) if leaf.has_column(field) else []
        part = (part + [default] * count)[:count]
        values[offset : offset + count] = part
    return values


def _word_fields(view: IndexView, word: str) -> dict[str, FrozenBitMap]:
    out = {f: view.ids(f, word) for f in TEXT_FIELDS}
    if word.isalpha():
        out.update({f: view.prefix_ids(f, word) for f in PINYIN_BOOSTS})
        if len(word) >= 2:
            out.update({f: view.prefix_ids(f, word) for f in INITIAL_BOOSTS})
    return out


def group_fields(view: IndexView, group: list[str]) -> dict[str, FrozenBitMap]:
    """Per field, the documents in which this query group (one word) matches."""
    seg = group[0]
    if is_cjk(seg[0]):
        if len(seg) == 1:
            return {f: view.prefix_ids(f, seg) for f in TEXT_FIELDS}
        terms = list(dict.fromkeys(bigrams(seg)))
        out = {f: view.all_of(f, terms) for f in TEXT_FIELDS}
        if len(seg) >= 4 and not any(out.values()):
            out = _parts_fields(view, seg) or out
        return out
    if len(group) == 1:
        return _word_fields(view, seg)
    if all(w.isalpha() for w in group):
        # "wang jia yu" is usually one name typed with spaces: try it joined first; the per-word
        # prefix expansions (every pinyin suffix starting with "jia"…) are the expensive part.
        joined = "".join(group)
        out = {f: view.prefix_ids(f, joined) for f in PINYIN_BOOSTS}
        out.update({f: view.prefix_ids(f, joined) for f in INITIAL_BOOSTS})
        if any(out.values()):
            return out
    per_word = [_word_fields(view, w) for w in group]
    both = intersection(union(fields.values()) for fields in per_word)
    return {f: union(fw.get(f, EMPTY) for fw in per_word) & both for f in per_word[0]}


def _parts_fields(view: IndexView, word: str) -> dict[str, FrozenBitMap] | None:
    """A long word no document has (热线电话): documents with every shorter word inside it instead."""
    parts = words.sub_words(word)
    if len(parts) < 2:
        return None
    per_part = [group_fields(view, [p]) for p in parts]
    every = intersection(union(fields.values()) for fields in per_part)
    return {f: union(fp[f] for fp in per_part) & every for f in TEXT_FIELDS}


def filter_set(view: IndexView, kinds, filters, fields: dict[str, str]) -> FrozenBitMap | None:
    sets = []
    if kinds:
        sets.append(union(view.ids("kind", str(k)) for k in kinds))
    for name, value in (filters or {}).items():
        field = fields.get(name)
        if field and value not in (None, ""):
            sets.append(view.ids(field, str(value)))
    if not sets:
        return None
    return intersection(sets)


def at_least(sets: list[FrozenBitMap], base: FrozenBitMap, fill: int) -> FrozenBitMap:
    """Documents having the most of ``sets``: every set first, then fewer while under ``fill``.

    ``level[j]`` holds the documents found in at least ``j`` sets (roaring operations, no per-document
    Python). Never fewer than half of the words: a question's stray word must not flood the page.
    """
    n = len(sets)
    level = [base] + [EMPTY] * n
    for found in sets:
        for j in range(n, 0, -1):
            level[j] = level[j] | (level[j - 1] & found)
    lowest = max(1, math.ceil(n / 2))
    for j in range(n, lowest, -1):
        if len(level[j]) >= fill:
            return level[j]
    return level[lowest]


def evaluate(view: IndexView, groups, kinds, filters, fields: dict[str, str], fill: int = 10):
    """Matching documents, per group the documents per field (for scoring), and how many have every word."""
    flt = filter_set(view, kinds, filters, fields)
    base = view.live if flt is None else flt & view.live
    if not groups:
        return base, None, len(base)
    per_group = [group_fields(view, g) for g in groups]
    sets = [union(gf.values()) & base for gf in per_group]
    matched = intersection(sets)
    complete = len(matched)
    if len(sets) > 1 and complete < fill:
        matched = at_least(sets, base, fill)
    return matched, per_group, complete


def candidates(
    view: IndexView, matched: FrozenBitMap, groups, per_group, need: int, exact: str, every_word: bool
):
    """The documents worth scoring for the first ``need`` places of a relevance ranking.

    A large match set (a single character, a common word) is mostly body mentions, and scoring every
    one in Python was the slow part at 100k. One word: the matches are split by which fields they were
    found in (bitmap operations), and only the best-scoring parts that fill the page are scored (exact:
    see ``_top_parts``). Several words where every match has every word: documents found in a name,
    alias, keyword or summary field outrank body-only ones, which fill the page only when needed.
    """
    if len(matched) <= BOUNDED_FROM:
        return matched
    if len(groups) == 1:
        return _top_parts(view, matched, per_group[0], need, exact)
    if not every_word:
        return matched
    strong = union(docs for gf in per_group for field, docs in gf.items() if field != "body") & matched
    if len(strong) >= need:
        return strong
    fill = []
    for doc in matched - strong:
        fill.append(doc)
        if len(fill) >= need - len(strong):
            break
    return strong | FrozenBitMap(fill)


def _top_parts(view: IndexView, matched: FrozenBitMap, gf: dict, need: int, exact: str) -> FrozenBitMap:
    """The parts of ``matched`` (documents found in the same fields) that can reach the first ``need`` places.

    Within a part every document has the same field score; only the body frequency bonus (at most
    ``TF_BONUS``) and the date tell them apart. Parts are taken best first until they hold ``need``
    documents at score S; a part below S - TF_BONUS cannot overtake them, so the ranking is unchanged.
    """
    boosts = dict(FIELD_BOOSTS, **PINYIN_BOOSTS, **INITIAL_BOOSTS)
    splits = [(boosts.get(field, 1.0), docs) for field, docs in gf.items() if docs]
    if exact:
        splits.append((EXACT_TITLE_BOOST, view.ids("title_exact", exact)))
    parts = [(0.0, matched)]
    for boost, docs in splits:
        parts = [
            (score + add, piece)
            for score, part in parts
            for add, piece in ((boost, part & docs), (0.0, part - docs))
            if piece
        ]
    parts.sort(key=lambda p: -p[0])
    chosen, count, floor = [], 0, None
    for score, part in parts:
        if floor is not None and score < floor - TF_BONUS:
            break
        chosen.append(part)
        count += len(part)
        if floor is None and count >= need:
            floor = score
    return union(chosen)


def score(view: IndexView, matched, groups, per_group, exact: str) -> dict[int, float]:
    """Words matched first, then field boosts, a little body frequency, and the exact-title bonus."""
    scores = dict.fromkeys(matched, 0.0)
    boosts = dict(FIELD_BOOSTS, **PINYIN_BOOSTS, **INITIAL_BOOSTS)
    several = len(groups) > 1
    for number, (group, gf) in enumerate(zip(groups, per_group, strict=True)):
        seg = group[0]
        body = None  # (documents found in the body, the bigram whose frequency counts, its weight)
        if is_cjk(seg[0]) and len(seg) > 1:
            body_docs = gf.get("body", EMPTY) & matched
            if body_docs:
                # The rarest bigram's frequency approximates the phrase frequency cheaply.
                rarest = min(dict.fromkeys(bigrams(seg)), key=lambda t: len(view.ids("body", t)))
                body = (body_docs, rarest, BODY_TF_WEIGHT / len(groups))
        if number == 0 and len(matched) >= SPLIT_FROM:
            _first_group_by_parts(view, scores, matched, gf, boosts, several, body)
            continue
        if several:
            for doc in union(gf.values()) & matched:
                scores[doc] += WORD_WEIGHT
        for field, docs in gf.items():
            boost = boosts.get(field, 1.0)
            for doc in docs & matched:
                scores[doc] += boost
        if body:
            body_docs, rarest, weight = body
            tf = view.tf("body", rarest)
            for doc in body_docs:
                scores[doc] += weight * min(tf.get(doc, 0), 10)
    if exact:
        for doc in view.ids("title_exact", exact) & matched:
            scores[doc] += EXACT_TITLE_BOOST
    return scores


def _first_group_by_parts(
    view: IndexView, scores: dict, matched, gf: dict, boosts: dict, several, body
) -> None:
    """The first group's additions (word weight, field boosts, body frequency) per part of ``matched``.

    Every document starts at 0.0, and the documents found in the same fields with the same (capped) body
    frequency get the same additions in the same order (word weight, each field's boost in ``gf`` order,
    then the frequency bonus), so one sum per part gives each of them exactly the float the per-document
    loop gives. A large match set has a few dozen parts (bitmap operations) instead of one dictionary
    update per document and field.
    """
    splits = ([(WORD_WEIGHT, union(gf.values()))] if several else []) + [
        (boosts.get(field, 1.0), docs) for field, docs in gf.items()
    ]
    parts = [(0.0, matched)]
    for boost, docs in splits:
        parts = [
            (total, piece)
            for start, part in parts
            for total, piece in ((start + boost, part & docs), (start, part - docs))
            if piece
        ]
    levels = view.tf_levels("body", body[1]) if body else {}
    for total, part in parts:
        if total:
            scores.update(dict.fromkeys(part, total))
        if body:
            in_body = part & body[0]
            for level, docs in levels.items():
                piece = in_body & docs
                if piece:
                    scores.update(dict.fromkeys(piece, total + body[2] * level))


def order(view: IndexView, matched, scores, sort: str, near, limit: int):
    """The first ``limit`` document numbers in the requested order (with distances for ``near``)."""
    if sort == "name":
        if walk_pays(matched, limit, view.reader.doc_count_all()):
            return [(d, None) for d in first_in(view.name_order(), matched, limit)]
        col = view.column("sort_key")
        return [(d, None) for d in heapq.nsmallest(limit, matched, key=lambda d: (col[d], d))]
    if sort == "newest":
        col = view.column("date")
        return [(d, None) for d in heapq.nsmallest(limit, matched, key=lambda d: (_neg_date(col[d]), d))]
    if sort == "distance":
        lat, lon = view.column("lat"), view.column("lon")

        def dist(d):
            if lat[d] == NO_GEO or lon[d] == NO_GEO:
                return math.inf
            return distance_km(near[0], near[1], lat[d], lon[d])

        ranked = heapq.nsmallest(limit, ((dist(d), -(scores or {}).get(d, 0.0), d) for d in matched))
        return [(d, km) for km, _s, d in ranked]
    if not scores and walk_pays(matched, limit, view.reader.doc_count_all()):
        # Every score is 0.0 (browsing without words): the order is the date rank alone.
        return [(d, None) for d in first_in(view.date_order(), matched, limit)]
    scores = scores or {}
    rank = view.date_rank()
    # Equal scores: newest first (articles), then index order. The keys are built as tuples by C
    # iterators (no Python call per document); they sort exactly as the key (-score, rank, document).
    keys = zip(
        map(operator.neg, map(scores.get, matched, itertools.repeat(0.0))),
        map(rank.__getitem__, matched),
        matched,
        strict=True,
    )
    return [(d, None) for _score, _rank, d in heapq.nsmallest(limit, keys)]


def walk_pays(matched, limit: int, documents: int) -> bool:
    """Whether walking a precomputed order for the first ``limit`` of ``matched`` beats selecting them.

    The walk tests about ``limit * documents / len(matched)`` documents for membership (C), the selection
    builds a key for each of ``matched`` (browsing 9,000 entries: ~1.5 ms).
    """
    return limit > 0 and len(matched) ** 2 >= limit * documents


def first_in(order: list[int], matched, limit: int) -> list[int]:
    """The first ``limit`` documents of ``order`` that are in ``matched``."""
    found = []
    for doc in order:
        if doc in matched:
            found.append(doc)
            if len(found) >= limit:
                break
    return found


def _neg_date(value) -> str:
    text = value.decode("utf-8") if isinstance(value, bytes) else (value or "")
    # Newest first; documents without a date last.
    return "".join(chr(0x10FFFF - ord(c)) for c in text) if text else "\U0010ffff" * 11


def facet_counts(view: IndexView, matched, name: str, field: str) -> list[tuple[str, int]]:
    """(value, count) for ``field`` among ``matched``: bitmap intersection cardinalities per term."""
    matched = matched if isinstance(matched, FrozenBitMap) else FrozenBitMap(matched)
    items = []
    for term in view.terms(field):
        n = matched.intersection_cardinality(view.ids(field, term))
        if n:
            items.append((term, n))
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
