"""The request-level guard (issue 15, finding 5): NUL characters and out-of-range integers never reach a view."""

import pytest

from app.web import guards


@pytest.mark.parametrize(
    "url",
    ["/places/%00", "/policies/%00", "/api/v1/policies/%00", "/?q=%00", "/search?q=a%00b", "/?a%00=1"],
)
def test_nul_in_path_or_query_is_a_chinese_400(client, url):
    """A NUL anywhere in the path or the query answers 400 with the Chinese error page."""
    response = client.get(url)
    assert response.status_code == 400
    message = response.get_json()["error"]["message"] if response.is_json else response.get_data(as_text=True)
    assert "无效的字符" in message


def test_nul_in_form_and_json(client):
    """A NUL in a form value or inside a JSON body answers 400."""
    assert client.post("/login", data={"username": "x\x00", "password": "y"}).status_code == 400
    response = client.post("/api/v1/anything", json={"a": ["ok", {"b": "bad\x00"}]}, csrf=False)
    assert response.status_code == 400


@pytest.mark.parametrize("arg", ["page", "per_page", "id", "slot_id", "offset"])
def test_out_of_range_integer_arguments(client, arg):
    """page, per_page and id-like arguments beyond 2^31-1 answer 400 ('超出范围'); normal values pass."""
    response = client.get(f"/places/?{arg}=99999999999999999999999")
    assert response.status_code == 400 and "超出范围" in response.get_data(as_text=True)
    assert client.get(f"/places/?{arg}=2").status_code == 200


def test_out_of_range_path_id_is_404(app, client):
    """An <int:...> path argument beyond the column range is a 404 before any query."""
    rule = next(r for r in app.url_map.iter_rules() if "<int:" in r.rule and "GET" in r.methods)
    url = rule.rule
    for arg in rule.arguments:
        url = url.replace(f"<int:{arg}>", "99999999999999999999").replace(f"<{arg}>", "x")
    assert client.get(url).status_code in {302, 404}


def test_helpers():
    """The helpers see NUL in nested JSON and judge integer ranges by value, not by type."""
    assert guards._has_nul({"a": [1, {"b": "\x00"}]})
    assert not guards._has_nul({"a": [1, {"b": "ok"}]})
    assert guards._out_of_range("2147483648") and not guards._out_of_range("2147483647")
    assert not guards._out_of_range("abc")
