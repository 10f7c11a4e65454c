"""The degraded path: scan every public document through the providers when the index is unavailable.

Slow (every document is tokenised in Python), but it answers with the same result shape, the same
word groups and the same ranking rules as the index, so a broken index never means a broken page.
"""

import logging
import math

from app.search import evaluate as ev
from app.search.analysis import bigrams, index_tokens, is_cjk, normalize_query, pinyin_tokens, segments
from app.search.documents import SearchResult
from app.search.engine import state
from app.search.highlight import Needles
from app.search.hits import FILTER_FIELDS, facet_list, make_hit, page_count
from app.search.index import FIELD_BOOSTS, TEXT_FIELDS, keyword_text, stored_data
from app.search.spelling import best_name

PINYIN_BOOSTS = ev.PINYIN_BOOSTS
INITIAL_BOOSTS = ev.INITIAL_BOOSTS
EXACT_TITLE_BOOST = ev.EXACT_TITLE_BOOST

log = logging.getLogger(__name__)


class _Candidate:
    """A provider document prepared for matching in Python (the degraded path)."""

    def __init__(self, doc):
        self.doc = doc
        self.data = stored_data(doc)
        texts = {
            "title": doc.title,
            "aliases": "\n".join(doc.aliases),
            "keywords": keyword_text(doc),
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

    def score(self, groups) -> tuple[int, float]:
        """(number of query words found, field score), as the index ranks them."""
        covered, total = 0, 0.0
        for group in groups:
            if is_cjk(group[0][0]):
                s = self._cjk(group[0])
            else:
                each = [self._word(w) for w in group]
                s = sum(each) if all(each) else 0.0
                if len(group) > 1 and all(w.isalpha() for w in group):
                    s = max(s, self._pinyin_score("".join(group)))
            if s:
                covered += 1
                total += s
        return covered, total

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


def _scan_providers(groups, kinds, filters, fill: int):
    """Every public document from the providers, and those matching ``groups`` and filters with a score.

    Documents with every query word; when fewer than ``fill``, those with most of them (at least half),
    scored like the index: words found first, then field boosts.
    """
    found, every = [], []
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
            covered, score = cand.score(groups) if groups else (0, 1.0)
            if groups and not covered:
                continue
            if exact and "".join(segments(normalize_query(doc.title))) == exact:
                score += EXACT_TITLE_BOOST
            found.append((cand, covered, score))
    n = len(groups)
    need = n
    if n > 1 and sum(1 for _c, covered, _s in found if covered == n) < fill:
        need = max(1, math.ceil(n / 2))
    weight = ev.WORD_WEIGHT if n > 1 else 0.0
    matched = [(cand, s + weight * covered) for cand, covered, s in found if covered >= need]
    return matched, every, sum(1 for _c, covered, _s in found if covered == n)


def _count_facets(matched, facets) -> dict:
    facet_counts = {}
    for name in facets:
        counts: dict[str, int] = {}
        for cand, _score in matched:
            for value in cand.facet_values(name):
                counts[value] = counts.get(value, 0) + 1
        facet_counts[name] = facet_list(counts)
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
        matched.sort(key=lambda cs: (-cs[1], _neg_date(cs[0].data["date"])))


def search_database(groups, kinds, filters, page, per_page, sort, near, facets, folded) -> SearchResult:
    """Scan every public document through the providers (slow, but the same result shape)."""
    matched, every, complete = _scan_providers(groups, kinds, filters, max(per_page, 10))
    facet_counts = _count_facets(matched, facets)
    _sort_candidates(matched, sort, near)
    total = len(matched)
    page = min(page, page_count(total, per_page))
    needles = Needles(groups)
    hits = [
        make_hit(cand.data, score, needles)
        for cand, score in matched[(page - 1) * per_page : page * per_page]
    ]
    suggestion = None
    if complete < 3 and groups:
        cjk = "".join(seg for g in groups for seg in g if is_cjk(seg[0]))
        if cjk:
            names = [normalize_query(n) for cand in every for n in [cand.doc.title, *cand.doc.aliases]]
            suggestion = best_name(names, cjk)
    result = SearchResult(
        hits, total, page, per_page, page_count(total, per_page), facet_counts, suggestion, True, folded
    )
    result.complete = complete
    return result


def _neg_date(value) -> str:
    # Equal scores: newest first, as in the index.
    return "".join(chr(0x10FFFF - ord(c)) for c in value) if value else "\U0010ffff"
