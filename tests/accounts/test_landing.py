"""Issue 13: sign-in lands on each role's own work; a local ``next`` still wins."""

import pytest

from tests.conftest import totp_code

PASSWORD = "landing-pass-2026"


def _sign_in(client, username, next_url=""):
    response = client.post(f"/login{next_url}", data={"username": username, "password": PASSWORD})
    if response.headers["Location"].endswith("/login/code"):
        response = client.post("/login/code", data={"code": totp_code()})
    return response


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        (("counselor",), "/console/hotline/"),
        (("archivist",), "/console/places/"),
        (("editor",), "/console/policies/"),
        (("admin",), "/console/"),
        (("admin", "counselor"), "/console/"),
        (("editor", "archivist"), "/console/"),
    ],
)
def test_each_role_lands_on_its_own_work(client, make_user, roles, landing):
    """Counselor → 今日, archivist → places console, editor → policies console, admin or several → home."""
    make_user(roles=roles, username="landing", password=PASSWORD)
    response = _sign_in(client, "landing")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_next_parameter_still_wins(client, make_user):
    """A local ``next`` beats the role's landing page, through the second factor too."""
    make_user(roles=("counselor",), username="landing", password=PASSWORD)
    response = _sign_in(client, "landing", "?next=/console/hotline/cases/")
    assert response.headers["Location"] == "/console/hotline/cases/"
    assert client.get("/login").headers["Location"] == "/console/hotline/"  # already signed in: 今日
