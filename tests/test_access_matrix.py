"""Access control walker: every staff route refuses anonymous users and users without the role.

The routes come from ``app.url_map`` at test time, so routes other packages add later are covered
without editing this file. A route is a staff route when its path starts with /console/ or /account/,
or its view carries ``staff_roles``/``login_required`` (set by ``app.web.access`` decorators).

Contract proven here, for GET and POST, with and without ``HX-Request: true``:
- anonymous: plain request → 302 to ``/login?next=<path>``; htmx request → 401 with ``HX-Redirect`` to the
  login page (htmx then loads the login page as a full page instead of swapping it into a fragment);
- signed in without one of the view's roles: 403 (a Chinese page, or a fragment for htmx).
"""

import uuid

from werkzeug.routing import IntegerConverter, PathConverter, UUIDConverter
from werkzeug.routing.converters import FloatConverter

from app.accounts import sessions
from app.web.access import ROLES

STAFF_PREFIXES = ("/console/", "/account/")
HX = {"HX-Request": "true"}


def _is_staff(app, rule) -> bool:
    view = app.view_functions[rule.endpoint]
    return rule.rule.startswith(STAFF_PREFIXES) or bool(
        getattr(view, "staff_roles", None) or getattr(view, "login_required", False)
    )


def _dummy_url(rule) -> str:
    """Build a URL for ``rule`` with placeholder arguments of the right type."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 987654
        elif isinstance(converter, FloatConverter):
            values[name] = 1.5
        elif isinstance(converter, UUIDConverter):
            values[name] = uuid.UUID(int=1)
        elif isinstance(converter, PathConverter):
            values[name] = "x/y"
        else:
            values[name] = "zz-dummy"
    _, path = rule.build(values, append_unknown=False)
    return path.split("|", 1)[-1]


def _staff_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and _is_staff(app, r)]
    assert rules, "no staff routes found"
    return sorted(rules, key=lambda r: r.rule)


def _methods(rule):
    return sorted(m for m in rule.methods if m in {"GET", "POST", "PUT", "PATCH", "DELETE"})


def _sign_in(client, user):
    with client.session_transaction() as sess:
        sess.clear()
        sess["_user_id"] = user.get_id()
        sess[sessions.SESSION_KEY] = sessions.create_record(user, agent=None)  # issue 15: a session record
        sess["_fresh"] = True
        sess.permanent = True


def test_anonymous_is_sent_to_login_on_every_staff_route(app, client):
    """Anonymous requests to every staff route redirect to /login?next=…; htmx requests get 401 + HX-Redirect."""
    problems = []
    for rule in _staff_rules(app):
        url = _dummy_url(rule)
        for method in _methods(rule):
            plain = client.open(url, method=method)
            location = plain.headers.get("Location", "")
            if plain.status_code != 302 or not location.startswith("/login?next="):
                problems.append(f"{method} {url} anonymous: {plain.status_code} {location!r}")
            htmx = client.open(url, method=method, headers=HX)
            if htmx.status_code != 401 or "/login" not in htmx.headers.get("HX-Redirect", ""):
                problems.append(f"{method} {url} anonymous htmx: {htmx.status_code}")
            if htmx.status_code >= 500 or plain.status_code >= 500:
                problems.append(f"{method} {url}: server error")
    assert problems == []


def test_wrong_role_gets_403_on_every_role_gated_route(app, client, make_user):
    """A signed-in user holding none of a view's roles gets 403 for GET and POST, htmx or not."""
    users = {}
    problems = []
    checked = 0
    for rule in _staff_rules(app):
        view = app.view_functions[rule.endpoint]
        allowed = set(getattr(view, "staff_roles", ()) or ())
        if not allowed:
            continue  # login_required only: every staff role may use it
        others = tuple(sorted(set(ROLES) - allowed))
        if not others:
            continue
        if others not in users:
            users[others] = make_user(roles=others, username=f"wrong{len(users)}")
        _sign_in(client, users[others])
        url = _dummy_url(rule)
        for method in _methods(rule):
            checked += 1
            plain = client.open(url, method=method)
            if plain.status_code != 403:
                problems.append(f"{method} {url} as {others}: {plain.status_code}")
            htmx = client.open(url, method=method, headers=HX)
            if htmx.status_code != 403 or "<html" in htmx.get_data(as_text=True):
                problems.append(f"{method} {url} htmx as {others}: {htmx.status_code}")
    assert checked, "no role-gated routes found"
    assert problems == []


def test_every_console_view_uses_the_access_decorators(app):
    """Each /console/ view is wrapped by role_required (the console home by login_required)."""
    problems = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/console", "/account")):
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "login_required", False):
            problems.append(f"{rule.rule} ({rule.endpoint}) is not wrapped by login_required/role_required")
        elif (
            rule.rule.startswith("/console/")
            and rule.endpoint != "accounts.console"
            and not getattr(view, "staff_roles", None)
        ):
            problems.append(f"{rule.rule} ({rule.endpoint}) has no role_required(...)")
    assert problems == []


def test_staff_routes_refuse_after_deactivation(app, client, make_user):
    """A deactivated user's still-held session is anonymous on every staff route."""
    from app.accounts import services

    user = make_user(roles=tuple(ROLES), username="everything")
    _sign_in(client, user)
    assert client.get("/console/").status_code == 200
    other_admin = make_user(roles=("admin",), username="keeper")
    assert other_admin.active
    services.set_active(user, False)
    for rule in _staff_rules(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(_dummy_url(rule))
        assert response.status_code == 302, rule.rule


def test_issue_13_routes_have_the_expected_roles(app):
    """The closed day's call list is for counselors and admins (admins see it masked); waitlist pages are public."""
    views = app.view_functions
    assert set(views["hotline.closure_calls"].staff_roles) == {"counselor", "admin"}
    for endpoint in (
        "hotline.waitlist_join",
        "hotline.waitlist_entry",
        "hotline.waitlist_accept",
        "hotline.waitlist_leave",
    ):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        assert rule.rule.startswith("/hotline/waitlist/") and not _is_staff(app, rule), endpoint


def test_counselor_day_routes_have_the_expected_roles(app):
    """Issue 13: note snippets are edited by admins only; the counselor's views stay counselor-only."""
    expected = {
        "hotline.snippets_admin": {"admin"},
        "hotline.snippets_edit": {"admin"},
        "hotline.snippets_delete": {"admin"},
        "hotline.console_today": {"counselor"},
        "hotline.cases_list": {"counselor"},
        "hotline.cases_note_add": {"counselor"},
    }
    for endpoint, roles in expected.items():
        assert set(app.view_functions[endpoint].staff_roles) == roles, endpoint
