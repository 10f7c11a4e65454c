"""Document factories for the search tests."""

from app.search import SearchDocument


def place(ident, title, **kw) -> SearchDocument:
    return SearchDocument(kind="place", id=ident, title=title, url=f"/places/{ident}", **kw)


def article(ident, title, **kw) -> SearchDocument:
    return SearchDocument(kind="article", id=ident, title=title, url=f"/policies/{ident}", **kw)


def faq(ident, title, **kw) -> SearchDocument:
    return SearchDocument(kind="faq", id=ident, title=title, url=f"/policies/faq#faq-{ident}", **kw)
