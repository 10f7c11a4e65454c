"""Queries: our own parser (user text is never whoosh syntax), facets, sorting, paging, fallback."""

import difflib
import logging
import math

from flask import current_app
from whoosh import query as Q

from app.search import evaluate as ev
from app.search.analysis import bigrams, index_tokens, is_cjk, normalize_query, pinyin_tokens, segments
from app.search.documents import FACET_FIELDS, Hit, SearchResult
from app.search.engine import drain_journal, state, trigger_rebuild
from app.search.highlight import Needles, mark, snippet
from app.search.index import FIELD_BOOSTS, TEXT_FIELDS, IndexUnavailable, quiet_leaks, stored_data

log = logging.getLogger(__name__)

MAX_SEGMENTS = 12
MAX_PER_PAGE = 100
PINYIN_BOOSTS = ev.PINYIN_BOOSTS
INITIAL_BOOSTS = ev.INITIAL_BOOSTS
EXACT_TITLE_BOOST = ev.EXACT_TITLE_BOOST
FILTER_FIELDS = {
    "town": "town",
    "category": "category",
    "era": "era",
    "theme": "theme",
    "topic": "topic",
    "validity": "validity",
    "year": "year",
    "article_kind": "article_kind",
    "kind": "kind",
}


def _to_int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


def group_segments(segs: list[str]) -> list[list[str]]:
    """Consecutive Latin words form one group (``ming shui`` = ``mingshui``); CJK runs stand alone."""
    groups: list[list[str]] = []
    for seg in segs:
        if not is_cjk(seg[0]) and groups and not is_cjk(groups[-1][0][0]):
            groups[-1].append(seg)
        else:
            groups.append([seg])
    return groups


def _facet_list(counts: dict) -> list[tuple[str, int]]:
    items = [(str(k), int(v)) for k, v in counts.items() if k not in (None, "")]
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def _parse_near(near):
    try:
        lat, lon = (float(v) for v in near)
    except (TypeError, ValueError):
        return None
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


# -- public entry point ---------------------------------------------------------------------------
def search(
    q,
    kinds=None,
    filters=None,
    page=1,
    per_page=20,
    sort="relevance",
    near=None,
    facets=(),
) -> SearchResult:
    """Search the index (or, if it is unavailable, the database); never raises for bad input."""
    app = current_app._get_current_object()
    page = max(1, _to_int(page, 1))
    per_page = min(MAX_PER_PAGE, max(1, _to_int(per_page, 20)))
    raw = q if isinstance(q, str) else ("" if q is None else str(q))
    folded = normalize_query(raw)
    groups = group_segments(segments(folded)[:MAX_SEGMENTS])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or ())
    facets = [f for f in (facets or ()) if f in FACET_FIELDS]
    near = _parse_near(near) if near is not None else None
    if sort == "distance" and near is None:
        sort = "relevance"
    if raw.strip() and not groups:
        return SearchResult([], 0, 1, per_page, 1, {f: [] for f in facets}, None, False, folded)
    args = (groups, kinds, filters or {}, page, per_page, sort, near, facets, folded)
    try:
        drain_journal(app)
    except Exception:
        log.exception("search: journal replay failed")
    try:
        return _search_index(*args)
    except IndexUnavailable as exc:
        problem = str(exc)
    except Exception as exc:
        problem = repr(exc)
        log.exception("search: index query failed")
    with quiet_leaks():
        pass  # whoosh may leave files of the broken index open: close them without ResourceWarnings
    log.warning("search: index unavailable (%s); answering from the database", problem)
    state(app).store.forget_searcher()
    try:
        trigger_rebuild(app)
    except Exception:
        log.exception("search: could not start a rebuild")
    try:
        return _search_database(*args)
    except Exception as exc:
        log.warning("search: database fallback failed: %r", exc)
        return SearchResult([], 0, 1, per_page, 1, {f: [] for f in facets}, None, True, folded)


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def _search_index(groups, kinds, filters, page, per_page, sort, near, facets, folded) -> SearchResult:
    searcher = state().store.searcher()
    view = ev.IndexView.for_searcher(searcher)
    matched, per_group = ev.evaluate(view, groups, kinds, filters, FILTER_FIELDS)
    total = len(matched)
    page = min(page, _pages(total, per_page))
    scores = None
    if groups and sort in ("relevance", "distance"):
        exact = "".join(seg for g in groups for seg in g)
        scores = ev.score(view, matched, groups, per_group, exact)
    ranked = ev.order(view, matched, scores, sort, near, page * per_page)[(page - 1) * per_page :]
    needles = Needles(groups)
    hits = []
    for docnum, km in ranked:
        data = dict(searcher.stored_fields(docnum).get("data") or {})
        if km is not None and math.isfinite(km):
            data["distance_km"] = round(km, 2)
        hits.append(_make_hit(data, (scores or {}).get(docnum, 0.0), needles))
    facet_counts = {name: ev.facet_counts(view, matched, name, FILTER_FIELDS[name]) for name in facets}
    suggestion = _suggest_from_index(searcher, groups) if total == 0 and groups else None
    return SearchResult(
        hits, total, page, per_page, _pages(total, per_page), facet_counts, suggestion, False, folded
    )


def _make_hit(data: dict, score: float, needles: Needles) -> Hit:
    return Hit(
        kind=data.get("kind", ""),
        id=str(data.get("id", "")),
        score=float(score or 0.0),
        url=data.get("url", ""),
        title=mark(data.get("title", ""), needles, pinyin=True),
        snippet=snippet(data, needles),
        fields={k: v for k, v in data.items() if k not in ("body",)},
    )


# -- did-you-mean ---------------------------------------------------------------------------------
def _best_cjk_name(names, query_text: str) -> str | None:
    q_bi = set(bigrams(query_text)) if len(query_text) > 1 else set()
    q_chars = set(query_text)
    best, best_key = None, (0.0, 0)
    for name in names:
        chars = q_chars & set(name)
        if not chars:
            continue
        score = len(chars) / len(q_chars)
        if q_bi:
            score += 2 * len(q_bi & set(bigrams(name))) / len(q_bi)
        key = (score, -abs(len(name) - len(query_text)))
        if key > best_key:
            best, best_key = name, key
    return best if best_key[0] >= 0.5 else None


def _suggest_from_index(searcher, groups) -> str | None:
    cjk = "".join(seg for g in groups for seg in g if is_cjk(seg[0]))
    latin = "".join(seg for g in groups for seg in g if not is_cjk(seg[0]) and seg.isalpha())
    if cjk:
        names = ev.IndexView.for_searcher(searcher).names_with_chars(cjk)
        return _best_cjk_name(names, cjk)
    if len(latin) >= 3:
        heads: dict[str, str] = {}
        for term in ev.IndexView.for_searcher(searcher).terms("py"):
            heads.setdefault(term[: len(latin) + 1], term)
        close = difflib.get_close_matches(latin, list(heads), n=1, cutoff=0.75)
        if close:
            results = searcher.search(Q.Term("py", heads[close[0]]), limit=1)
            if results:
                return results[0]["data"]["title"]
    return None


# -- database fallback ----------------------------------------------------------------------------
class _Candidate:
    """A provider document prepared for matching in Python (the degraded path)."""

    def __init__(self, doc):
        self.doc = doc
        self.data = stored_data(doc)
        texts = {
            "title": doc.title,
            "aliases": "\n".join(doc.aliases),
            "keywords": "\n".join(doc.keywords),
            "summary": doc.summary or "",
            "body": doc.body or "",
        }
        self.tokens = {f: set(index_tokens(t)) for f, t in texts.items()}
        self._pinyin = None

    @property
    def pinyin(self):
        if self._pinyin is None:
            py, init = pinyin_tokens([self.doc.title])
            py_alias, init_alias = pinyin_tokens(list(self.doc.aliases))
            self._pinyin = {"py": py, "py_alias": py_alias, "init": init, "init_alias": init_alias}
        return self._pinyin

    def _cjk(self, seg: str) -> float:
        score = 0.0
        for f in TEXT_FIELDS:
            toks = self.tokens[f]
            if len(seg) == 1:
                hit = any(t.startswith(seg) for t in toks)
            else:
                hit = all(b in toks for b in bigrams(seg))
            if hit:
                score += FIELD_BOOSTS[f]
        return score

    def _pinyin_score(self, key: str) -> float:
        score = 0.0
        boosts = dict(PINYIN_BOOSTS, **(INITIAL_BOOSTS if len(key) >= 2 else {}))
        for f, b in boosts.items():
            if any(t.startswith(key) for t in self.pinyin[f]):
                score += b
        return score

    def _word(self, word: str) -> float:
        score = sum(FIELD_BOOSTS[f] for f in TEXT_FIELDS if word in self.tokens[f])
        if word.isalpha():
            score += self._pinyin_score(word)
        return score

    def score(self, groups) -> float:
        total = 0.0
        for group in groups:
            if is_cjk(group[0][0]):
                s = self._cjk(group[0])
            else:
                each = [self._word(w) for w in group]
                s = sum(each) if all(each) else 0.0
                if len(group) > 1 and all(w.isalpha() for w in group):
                    s = max(s, self._pinyin_score("".join(group)))
            if not s:
                return 0.0
            total += s
        return total or 1.0

    def matches_filters(self, kinds, filters) -> bool:
        if kinds and self.data["kind"] not in kinds:
            return False
        for name, value in filters.items():
            if name not in FILTER_FIELDS or value in (None, ""):
                continue
            if name == "theme":
                if str(value) not in self.data["themes"]:
                    return False
            elif str(self.data.get(name)) != str(value):
                return False
        return True

    def facet_values(self, name: str) -> list[str]:
        if name == "theme":
            return [t for t in self.data["themes"] if t]
        value = self.data.get(name)
        return [str(value)] if value not in (None, "") else []


def _scan_providers(groups, kinds, filters):
    """Every public document from the providers, and those matching ``groups`` and filters with a score."""
    matched, every = [], []
    exact = "".join(seg for g in groups for seg in g)
    for kind, provider in sorted(state().providers.items()):
        if kinds and kind not in kinds:
            continue
        try:
            docs = list(provider(None) or ())
        except Exception as exc:
            log.warning("search: provider %r failed in the database fallback: %r", kind, exc)
            continue
        for doc in docs:
            cand = _Candidate(doc)
            every.append(cand)
            if not cand.matches_filters(kinds, filters):
                continue
            score = cand.score(groups) if groups else 1.0
            if score and exact and "".join(segments(normalize_query(doc.title))) == exact:
                score += EXACT_TITLE_BOOST
            if score:
                matched.append((cand, score))
    return matched, every


def _count_facets(matched, facets) -> dict:
    facet_counts = {}
    for name in facets:
        counts: dict[str, int] = {}
        for cand, _score in matched:
            for value in cand.facet_values(name):
                counts[value] = counts.get(value, 0) + 1
        facet_counts[name] = _facet_list(counts)
    return facet_counts


def _sort_candidates(matched, sort, near) -> None:
    if sort == "name":
        matched.sort(key=lambda cs: cs[0].data["sort_key"])
    elif sort == "newest":
        matched.sort(key=lambda cs: cs[0].data["date"] or "", reverse=True)
    elif sort == "distance":

        def dist(cs):
            d = cs[0].data
            if d["lat"] is None or d["lon"] is None:
                return math.inf
            return ev.distance_km(near[0], near[1], d["lat"], d["lon"])

        matched.sort(key=lambda cs: (dist(cs), -cs[1]))
    else:
        matched.sort(key=lambda cs: -cs[1])


def _search_database(groups, kinds, filters, page, per_page, sort, near, facets, folded) -> SearchResult:
    """Scan every public document through the providers (slow, but the same result shape)."""
    matched, every = _scan_providers(groups, kinds, filters)
    facet_counts = _count_facets(matched, facets)
    _sort_candidates(matched, sort, near)
    total = len(matched)
    page = min(page, _pages(total, per_page))
    needles = Needles(groups)
    hits = [
        _make_hit(cand.data, score, needles)
        for cand, score in matched[(page - 1) * per_page : page * per_page]
    ]
    suggestion = None
    if total == 0 and groups:
        cjk = "".join(seg for g in groups for seg in g if is_cjk(seg[0]))
        if cjk:
            names = [normalize_query(n) for cand in every for n in [cand.doc.title, *cand.doc.aliases]]
            suggestion = _best_cjk_name(names, cjk)
    return SearchResult(
        hits, total, page, per_page, _pages(total, per_page), facet_counts, suggestion, True, folded
    )
