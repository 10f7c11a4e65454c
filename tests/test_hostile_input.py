"""Finding 5 (issue 15): NUL bytes and huge integers never give a 500, on SQLite and PostgreSQL.

Walks every route of ``app.url_map`` (anonymous and as a user holding every role) with a NUL in each path
argument and in the query, and with ``page``/``per_page``/ids beyond any column's range.
"""

import re

import pytest

from app.accounts import sessions

HUGE = "99999999999999999999999"


def _urls(app, value: str):
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(
                rf"<(?:[^<>:]+:)?{arg}>",
                value if "int" not in rule._converters[arg].__class__.__name__.lower() else HUGE,
                url,
            )
        yield rule, url


@pytest.fixture
def everyone(app, client, make_user):
    """The test client signed in as a user holding every role."""
    user = make_user(roles=("admin", "editor", "counselor", "archivist"), username="everyone")
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess[sessions.SESSION_KEY] = sessions.create_record(user, agent=None)
    return user


def _walk(app, client):
    problems = []
    for _rule, url in _urls(app, "%00"):
        for target in (url, f"{url}?q=%00", f"{url}?page={HUGE}&per_page={HUGE}"):
            response = client.get(target)
            if response.status_code >= 500:
                problems.append(f"{target}: {response.status_code}")
    return problems


def test_anonymous_walk_has_no_server_error(app, client):
    """Anonymous: every GET route with NUL or huge numbers answers 4xx/3xx/2xx, never 5xx."""
    assert _walk(app, client) == []


def test_staff_walk_has_no_server_error(app, client, everyone):
    """Signed in with every role: the same walk reaches the console views without a 5xx."""
    assert _walk(app, client) == []


def test_nul_in_login_form_and_json_is_a_chinese_400(client):
    """A NUL in a form field or in JSON is refused with the Chinese error page (400)."""
    response = client.post("/login", data={"username": "a\x00b", "password": "x"})
    assert response.status_code == 400 and "无效的字符" in response.get_data(as_text=True)
    api = client.post("/api/v1/places", json={"q": "a\x00"}, csrf=False)
    assert api.status_code in {400, 404, 405}


def test_nul_in_path_and_huge_page(client):
    """``/places/%00`` and ``?page=<huge>`` are refused before any query runs."""
    assert client.get("/places/%00").status_code == 400
    response = client.get(f"/places/?page={HUGE}")
    assert response.status_code == 400 and "超出范围" in response.get_data(as_text=True)
