"""Staff sign-in, sign-out and role gating."""


def test_login_and_console(client, make_user):
    """A staff user signs in and sees the console."""
    make_user(roles=("editor",), username="wang", password="long-enough-pass")
    response = client.post("/login", data={"username": "wang", "password": "long-enough-pass"})
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200


def test_wrong_password_is_generic(client, make_user):
    """Wrong password and unknown user give the same message."""
    make_user(roles=("editor",), username="wang", password="long-enough-pass")
    wrong = client.post("/login", data={"username": "wang", "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.get_data(as_text=True)
    assert "用户名或密码不正确" in unknown.get_data(as_text=True)


def test_logout_invalidates_copied_cookie(client, make_user, app):
    """After logout, a copy of the old session cookie no longer signs anyone in."""
    make_user(roles=("editor",), username="wang", password="long-enough-pass")
    client.post("/login", data={"username": "wang", "password": "long-enough-pass"})
    cookie = client.get_cookie("session").value
    client.post("/logout")
    other = app.test_client()
    other.set_cookie("session", cookie)
    response = other.get("/console/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
