"""Queries: our own parser (user text is never whoosh syntax), words, facets, sorting, paging, fallback.

A query becomes word groups: Latin words (consecutive ones form one pinyin group) and, for Chinese, the
content words jieba finds (question and function words dropped; a query made only of those keeps its
raw text). Distress words mark the result for the help card and switch off did-you-mean.
"""

import copy
import difflib
import functools
import logging
import math

from flask import current_app
from whoosh import query as Q

from app.search import evaluate as ev
from app.search import words
from app.search.analysis import fold, is_cjk, normalize_query, segments
from app.search.distress import needs_help
from app.search.documents import FACET_FIELDS, SearchResult
from app.search.engine import drain_journal, note_answer, state, trigger_rebuild
from app.search.fallback import search_database
from app.search.highlight import Needles
from app.search.hits import FILTER_FIELDS, make_hit, page_count
from app.search.index import IndexUnavailable, quiet_leaks
from app.search.outbox import catch_up
from app.search.spelling import best_name, homophone, shared_needed

log = logging.getLogger(__name__)

MAX_SEGMENTS = 12
MAX_PER_PAGE = 100
FEW_RESULTS = 3  # fewer than this for a Chinese query: try the homophone correction
__all__ = ["FILTER_FIELDS", "group_segments", "query_groups", "search"]


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


def _teach_names() -> None:
    """Give jieba our place names and aliases (once per searcher) so a name is never split."""
    try:
        view = ev.IndexView.for_searcher(state().store.searcher())
    except Exception:  # no index: segment with the shipped dictionary only
        return
    if not getattr(view, "names_taught", False):
        words.add_names(view.terms("names"))
        view.names_taught = True


def query_groups(folded: str) -> list[list[str]]:
    """Word groups of a folded query: each Chinese content word is one group, matched through bigrams."""
    groups = group_segments(segments(folded)[:MAX_SEGMENTS])
    if any(is_cjk(g[0][0]) and len(g[0]) > 2 for g in groups):
        _teach_names()
    out: list[list[str]] = []
    runs = []
    for group in groups:
        if is_cjk(group[0][0]):
            runs.append(group[0])
            out.extend([w] for w in words.content_words(group[0]))
        else:
            out.append(group)
    if not out:
        out = [[run] for run in runs]  # only question/function words: their raw bigrams
    return out


def _parse_near(near):
    try:
        lat, lon = (float(v) for v in near)
    except (TypeError, ValueError):
        return None
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def _cjk_text(groups) -> str:
    return "".join(seg for g in groups for seg in g if is_cjk(seg[0]))


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
    correct=False,
) -> SearchResult:
    """Search the index (or, if it is unavailable, the database); never raises for bad input.

    ``correct=True`` (the site search page): a Chinese query with few results is re-run with its
    same-pinyin correction, and the result says so (``corrected``). Otherwise such a correction is only
    offered as the did-you-mean ``suggestion``.
    """
    raw = q if isinstance(q, str) else ("" if q is None else str(q))
    result = _search_once(raw, kinds, filters, page, per_page, sort, near, facets)
    result.help = needs_help(raw)
    if result.help:
        result.suggestion = None  # never a place name for someone asking for help
        return result
    text = _cjk_text(result.groups)
    if text and _names_literal(result, text):
        result.suggestion = None  # the resident typed a name we have: nothing to correct
        return result
    if result.complete >= FEW_RESULTS or not result.groups:
        return result
    if not result.degraded and (text or result.total == 0):  # pinyin did-you-mean only for no results
        result.suggestion = _suggest(result.groups)
    if result.degraded or not text:
        return result
    fixed = _homophone(text)
    if not fixed:
        return result
    if correct:
        alt = _search_once(fixed, kinds, filters, page, per_page, sort, near, facets)
        if alt.complete and alt.complete >= result.complete:
            alt.corrected, alt.original, alt.suggestion = fixed, raw, None
            return alt
    result.suggestion = fixed or result.suggestion
    return result


def _names_literal(result: SearchResult, text: str) -> bool:
    """Whether a hit's name or alias contains ``text`` as typed."""
    for hit in result.hits:
        names = [hit.fields.get("title") or "", *(hit.fields.get("aliases") or ())]
        if any(text in fold(name) for name in names):
            return True
    return False


def _homophone(text: str) -> str | None:
    try:
        view = ev.IndexView.for_searcher(state().store.searcher())
    except Exception:
        view = None
    try:
        return homophone(view, text)
    except Exception:
        log.exception("search: homophone lookup failed for %r", text)
        return None


def _search_once(raw, kinds, filters, page, per_page, sort, near, facets) -> SearchResult:
    app = current_app._get_current_object()
    page = max(1, _to_int(page, 1))
    per_page = min(MAX_PER_PAGE, max(1, _to_int(per_page, 20)))
    folded = normalize_query(raw)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or ())
    facets = [f for f in (facets or ()) if f in FACET_FIELDS]
    near = _parse_near(near) if near is not None else None
    if sort == "distance" and near is None:
        sort = "relevance"
    groups = query_groups(folded)
    if raw.strip() and not groups:
        return SearchResult([], 0, 1, per_page, 1, {f: [] for f in facets}, None, False, folded)
    args = (groups, kinds, filters or {}, page, per_page, sort, near, facets, folded)
    try:
        catch_up(app)  # changes made through other hosts (the outbox), at most once a second
        drain_journal(app)
    except Exception:
        log.exception("search: outbox or journal replay failed")
    seen = state(app).store.generation()  # the generation this answer reads (None: no index)
    try:
        result = _search_index(*args)
        note_answer(app, degraded=False)
        result.groups = groups
        return result
    except IndexUnavailable as exc:
        problem = str(exc)  # nothing half-open: a missing index, or open_index collected its leftovers
        broken_read = False
    except Exception as exc:
        problem = repr(exc)
        log.exception("search: index query failed")
        broken_read = True
    if broken_read:  # outside the except block, so the traceback no longer holds the broken objects
        with quiet_leaks():
            pass  # whoosh may leave files of the broken index open: close them without ResourceWarnings
    log.warning("search: index unavailable (%s); answering from the database", problem)
    note_answer(app, degraded=True, problem=problem)
    state(app).store.forget_searcher()
    try:
        trigger_rebuild(app, broken=seen)
    except Exception:
        log.exception("search: could not start a rebuild")
    try:
        result = search_database(*args)
    except Exception as exc:
        log.warning("search: database fallback failed: %r", exc)
        result = SearchResult([], 0, 1, per_page, 1, {f: [] for f in facets}, None, True, folded)
    result.groups = groups
    return result


def _frozen(value):
    """A hashable copy of a filter value (lists and dicts from query strings and the API)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_frozen(v) for v in value)
    return value


def _search_index(groups, kinds, filters, page, per_page, sort, near, facets, folded) -> SearchResult:
    view = ev.IndexView.for_searcher(state().store.searcher())
    rank = functools.partial(_rank, view, groups, kinds, filters, page, per_page, sort, near, facets, folded)
    key = (folded, _frozen(groups), tuple(kinds), _frozen(filters), page, per_page, sort, near, tuple(facets))
    try:
        hash(key)
    except TypeError:  # a filter value of an unexpected type: answer without the cache
        return rank()
    return copy.copy(view.result(key, rank))  # search() sets help, suggestion and groups on its answer


def _rank(view, groups, kinds, filters, page, per_page, sort, near, facets, folded) -> SearchResult:
    matched, per_group, complete = ev.evaluate(
        view, groups, kinds, filters, FILTER_FIELDS, fill=max(per_page, 10)
    )
    total = len(matched)
    page = min(page, page_count(total, per_page))
    scores = None
    pool = matched
    if groups and sort in ("relevance", "distance"):
        exact = "".join(seg for g in groups for seg in g)
        if sort == "relevance":
            pool = ev.candidates(view, matched, groups, per_group, page * per_page, exact, complete == total)
        scores = ev.score(view, pool, groups, per_group, exact)
    ranked = ev.order(view, pool, scores, sort, near, page * per_page)[(page - 1) * per_page :]
    needles = Needles(groups)
    hits = []
    for docnum, km in ranked:
        data = view.stored_data(docnum)  # shared: make_hit copies what it keeps
        if km is not None and math.isfinite(km):
            data = {**data, "distance_km": round(km, 2)}
        hits.append(make_hit(data, (scores or {}).get(docnum, 0.0), needles))
    facet_counts = {name: ev.facet_counts(view, matched, name, FILTER_FIELDS[name]) for name in facets}
    result = SearchResult(
        hits, total, page, per_page, page_count(total, per_page), facet_counts, None, False, folded
    )
    result.complete = complete
    return result


# -- did-you-mean ---------------------------------------------------------------------------------
def _suggest(groups) -> str | None:
    try:
        view = ev.IndexView.for_searcher(state().store.searcher())
        return _suggest_from_index(view, groups)
    except Exception:
        log.exception("search: did-you-mean failed")
        return None


def _suggest_from_index(view, groups) -> str | None:
    cjk = _cjk_text(groups)
    latin = "".join(seg for g in groups for seg in g if not is_cjk(seg[0]) and seg.isalpha())
    if cjk:
        return best_name(view.names_near(cjk, shared_needed(cjk)), cjk)
    if len(latin) >= 3:
        heads: dict[str, str] = {}
        for term in view.terms("py"):
            heads.setdefault(term[: len(latin) + 1], term)
        close = difflib.get_close_matches(latin, list(heads), n=1, cutoff=0.75)
        if close:
            results = view.searcher.search(Q.Term("py", heads[close[0]]), limit=1)
            if results:
                return results[0]["data"]["title"]
    return None
