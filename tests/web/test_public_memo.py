"""Parts of uncached public pages kept per content generation (``public_memo_for``)."""

from app.web import caching


def test_keyed_memo_is_bounded_and_computes_once(app, monkeypatch):
    monkeypatch.setattr(caching, "PUBLIC_MEMO_KEYS", 5)
    calls = []
    with app.test_request_context("/"):
        for _ in range(2):
            for key in range(4):
                assert caching.public_memo_for("t", key, lambda k=key: calls.append(k) or k * 2) == key * 2
        assert calls == [0, 1, 2, 3]
        for key in range(20):
            caching.public_memo_for("t", key, lambda k=key: k)
        assert len(app.extensions["zq_public_memo_for"]["t"][1]) <= 5
