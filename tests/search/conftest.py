"""Search test fixtures: document factories and an in-memory provider (independent of other features' models)."""

import datetime

import pytest

from app.search import SearchDocument, register_provider
from app.search.engine import rebuild, state


def _doc_factory(kind: str, url: str):
    def make(ident, title, **kw) -> SearchDocument:
        return SearchDocument(kind=kind, id=ident, title=title, url=url.format(ident=ident), **kw)

    return make


@pytest.fixture
def place_doc():
    """Factory: ``place_doc(ident, title, **fields)`` -> a ``place`` SearchDocument (url /places/<ident>)."""
    return _doc_factory("place", "/places/{ident}")


@pytest.fixture
def article_doc():
    """Factory: ``article_doc(ident, title, **fields)`` -> an ``article`` SearchDocument."""
    return _doc_factory("article", "/policies/{ident}")


@pytest.fixture
def faq_doc():
    """Factory: ``faq_doc(ident, title, **fields)`` -> a ``faq`` SearchDocument."""
    return _doc_factory("faq", "/policies/faq#faq-{ident}")


class MemoryProvider:
    """Documents of several kinds held in a dict; ``load(ids)`` behaves like a real provider."""

    def __init__(self, app):
        self.app = app
        self.docs: dict[tuple[str, str], SearchDocument] = {}

    def loader(self, kind):
        def load(ids):
            docs = [d for (k, _i), d in sorted(self.docs.items()) if k == kind]
            if ids is None:
                return docs
            wanted = set(ids)
            return [d for d in docs if d.id in wanted]

        return load

    def add(self, *docs: SearchDocument) -> None:
        for doc in docs:
            self.docs[(doc.kind, doc.id)] = doc

    def remove(self, kind: str, ident: str) -> None:
        self.docs.pop((kind, ident), None)

    def reindex(self) -> dict:
        return rebuild(self.app)


@pytest.fixture
def provider(app):
    """Replace every registered provider with in-memory ones (kinds place, article, faq); empty index."""
    st = state(app)
    st.providers.clear()
    mem = MemoryProvider(app)
    for kind in ("place", "article", "faq"):
        register_provider(app, kind, mem.loader(kind))
    yield mem
    st.providers.clear()


@pytest.fixture
def corpus(provider, place_doc, article_doc, faq_doc):
    """A small realistic corpus, indexed."""
    provider.add(
        place_doc(
            "ZQ-0001",
            "明水街道烈士陵园",
            aliases=["明水陵园"],
            keywords=["廖容标"],
            summary="安葬解放战争时期牺牲的烈士。",
            body="陵园始建于1947年，位于明水街道东部。每年清明，群众前来祭扫。",
            town="明水街道",
            category="烈士陵园",
            era="解放战争时期",
            themes=["英烈纪念"],
            lat=36.72,
            lon=117.53,
        ),
        place_doc(
            "ZQ-0002",
            "埠村战斗遗址",
            aliases=["埠村阻击战旧址"],
            body="1943年八路军在埠村一带阻击日军。战后烈士安葬于明水街道烈士陵园。",
            town="埠村街道",
            category="战斗遗址",
            era="抗日战争时期",
            themes=["抗战红色足迹", "英烈纪念"],
            lat=36.66,
            lon=117.62,
        ),
        place_doc(
            "ZQ-0003",
            "长白山抗日根据地旧址",
            body="长白山区是章丘南部山区的抗日根据地。",
            town="垛庄镇",
            category="革命遗址",
            era="抗日战争时期",
            themes=["抗战红色足迹"],
            lat=36.45,
            lon=117.45,
        ),
        place_doc(
            "ZQ-0004",
            "宁家埠红色村庄",
            body="宁家埠村在解放战争中支前。",
            town="宁家埠街道",
            category="红色村庄",
            era="解放战争时期",
        ),
        article_doc(
            "caili-zhili",
            "关于治理高额彩礼的实施意见",
            aliases=["章民发〔2024〕3号"],
            summary="倡导婚事新办，抵制高额彩礼。",
            body="各镇街要把治理高额彩礼纳入村规民约。",
            topic="彩礼治理",
            validity="现行有效",
            year=2024,
            article_kind="policy",
            date=datetime.date(2024, 3, 1),
        ),
        article_doc(
            "hunsu-jiedu",
            "婚俗改革政策解读",
            summary="一图读懂婚俗改革。",
            body="婚俗改革倡导简约适度的婚礼。",
            topic="婚俗改革",
            year=2025,
            article_kind="interpretation",
            date=datetime.date(2025, 1, 15),
        ),
        faq_doc("7", "结婚登记需要带什么材料？", body="双方身份证和户口簿。", topic="婚姻登记"),
    )
    provider.reindex()
    return provider
