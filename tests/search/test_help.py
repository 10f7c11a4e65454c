"""Help first: distress words put the emergency numbers and the hotline above any result, everywhere."""

import pytest

from app.hotline import search_docs, triage
from app.hotline.booking import calendar
from app.search import needs_help, register_provider, search
from app.search.distress import default_words

DISTRESS = ["家暴", "被打了", "想轻生", "受到威胁", "他说要杀我", "不想活了怎么办", "家 暴", "家庭暴力"]
PAGES = ["/search?q={q}", "/places/?q={q}", "/policies/?q={q}"]


def _card(body: str) -> str:
    start = body.index('<section class="alert alert-error help-card"')
    return body[start : body.index("</section>", start)]


@pytest.mark.parametrize("q", DISTRESS)
def test_distress_queries_need_help(app, q):
    """Each of these is recognised, spaces and all; ordinary queries are not."""
    assert needs_help(q)


def test_ordinary_queries_do_not_show_the_card(app):
    """Battle sites, marriage registration and the like are not distress."""
    for q in ["战斗遗址", "婚姻登记", "彩礼", "明水", "", None, "抗日杀敌"]:
        assert not needs_help(q)


@pytest.mark.parametrize("page", PAGES)
def test_help_card_is_first_on_every_search_page(client, corpus, page):
    """The card comes before any result, announced (role=alert + heading), with tel: and booking links."""
    body = client.get(page.format(q="被打了")).get_data(as_text=True)
    card = _card(body)
    assert 'role="alert"' in card.split(">", 1)[0] and "<h2" in card
    results = [body.find(m) for m in ("result-count", "search-summary", "search-empty", "search-hits")]
    assert body.index("help-card") < min(i for i in results if i != -1)
    for number in ("110", "120", "12338", "12356"):
        assert f'href="tel:{number}"' in card
    assert 'href="tel:053183212345"' in card and 'href="/hotline/book"' in card
    assert "您是不是要找" not in body


@pytest.mark.parametrize("page", PAGES)
def test_htmx_fragments_carry_the_card_too(client, corpus, page):
    """Live search (htmx fragment) shows the same card; without JS the full page has it (above)."""
    frag = client.get(page.format(q="家暴"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in frag and "help-card" in frag


def test_distress_queries_never_get_a_did_you_mean(corpus, place_doc):
    """家暴 once suggested a place name (于家大院); now no suggestion at all."""
    corpus.add(place_doc("ZQ-0900", "于家大院"))
    corpus.reindex()
    result = search("家暴")
    assert result.help and result.suggestion is None
    assert search("于家大").suggestion is None or not search("于家大").help


def test_one_list_for_search_and_hotline_triage(app):
    """The triage keywords default to the shared list; the console setting changes both."""
    app.config["SEARCH_DISTRESS_CACHE_SECONDS"] = 0  # the search caches the list for 10 s by default
    assert triage.urgent_keywords() == default_words()
    assert triage.detect_urgent("他喝醉了就打我") and needs_help("他喝醉了就打我")
    calendar.save_settings({"urgent_keywords": "紧急词甲\n紧急词乙"})
    assert needs_help("紧急词乙") and triage.detect_urgent("这里有紧急词乙")
    assert not needs_help("家暴") and not triage.detect_urgent("家暴")


def test_a_single_distress_word_gives_a_sensible_page(client, corpus):
    """No results for 家暴 in this corpus: the card, a plain no-results line, no spelling advice."""
    body = client.get("/search?q=家暴").get_data(as_text=True)
    assert "help-card" in body and "没有找到" in body and "检查错别字" not in body


def test_distress_query_also_finds_the_hotline_page(app, client, provider):
    """家暴 gave the card and then "没有找到": the hotline page itself is a result under the card."""
    register_provider(app, "service", provider.loader("service"))
    provider.add(*search_docs.load(None))
    provider.reindex()
    body = client.get("/search?q=家暴").get_data(as_text=True)
    assert body.index("help-card") < body.index('href="/hotline/"', body.index("</section>"))
    assert "没有找到" not in body
