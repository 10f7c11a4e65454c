"""/console/users/: admins list, create, edit (htmx inline and plain forms), deactivate, reset passwords."""

from app.accounts import services
from app.accounts.models import User
from app.extensions import db
from tests.conftest import CsrfClient
from tests.web.confirming import asks_first, back_link

HX = {"HX-Request": "true"}


def _user(username):
    db.session.expire_all()
    return services.find_user(username)


def test_only_admins_reach_user_admin(client, login_as):
    """Editors get 403 on every user-admin page."""
    target = services.create_user("target", "long-enough-pass", ["editor"])
    login_as("editor")
    for url in ("/console/users/", "/console/users/new", f"/console/users/{target.id}/edit"):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/console/users/{target.id}/active", data={"active": "0", "confirm": "yes"}).status_code
        == 403
    )
    for action in ("reset-password", "reset-mfa"):  # neither the confirmation page nor the action itself
        url = f"/console/users/{target.id}/{action}"
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"confirm": "yes"}).status_code == 403, url
    assert _user("target").active and _user("target").check_password("long-enough-pass")


def test_list_shows_users_with_actions(client, login_as, make_user):
    """The list shows each user's name, roles, state and the row actions."""
    login_as("admin")
    make_user(roles=("counselor", "editor"), username="lisi")
    html = client.get("/console/users/").get_data(as_text=True)
    assert "lisi" in html and "热线咨询员" in html and "政策编辑" in html
    assert "重置密码" in html and "停用" in html and "编辑" in html


def test_create_user_shows_one_time_password(client, login_as):
    """Creating a user shows a one-time password once; the user must change it at first sign-in."""
    login_as("admin")
    response = client.post(
        "/console/users/new",
        data={"username": "zhou", "display_name": "周工", "roles": ["archivist", "editor"]},
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    user = _user("zhou")
    assert user.roles == ["archivist", "editor"] and user.must_change_password
    otp = html.split('<code class="otp">')[1].split("</code>")[0]
    assert user.check_password(otp)
    assert response.headers["Cache-Control"] == "no-store"


def test_create_user_errors_keep_input(client, login_as, make_user):
    """A bad create form re-renders with 422, Chinese field errors and the typed values; nothing saved."""
    login_as("admin")
    make_user(roles=("editor",), username="taken")
    response = client.post(
        "/console/users/new", data={"username": "taken", "display_name": "重名", "roles": ["editor"]}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "这个用户名已经存在" in html and 'value="重名"' in html
    bad = client.post(
        "/console/users/new", data={"username": "Bad Name!", "display_name": "名" * 41, "roles": ["boss"]}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "姓名不能超过 40 个字符" in html and "请选择有效的角色" in html
    empty = client.post("/console/users/new", data={})
    assert empty.status_code == 422 and "请填写此项" in empty.get_data(as_text=True)
    assert "请至少选择一个角色" in empty.get_data(as_text=True)
    invalid = client.post(
        "/console/users/new", data={"username": "Bad Name!", "display_name": "甲", "roles": ["editor"]}
    )
    assert invalid.status_code == 422 and "用户名需为" in invalid.get_data(as_text=True)
    assert db.session.query(User).count() == 2


def test_inline_edit_with_htmx(client, login_as, make_user):
    """htmx: 编辑 swaps the row for a form; saving returns the updated row; 取消 returns the row."""
    login_as("admin")
    user = make_user(roles=("editor",), username="lisi")
    form = client.get(f"/console/users/{user.id}/edit", headers=HX)
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" not in html
    assert f'id="user-{user.id}"' in html and 'hx-target="closest li"' in html
    assert 'value="editor" checked' in html or "checked" in html
    saved = client.post(
        f"/console/users/{user.id}/edit",
        data={f"u{user.id}-display_name": "李新", f"u{user.id}-roles": ["counselor", "editor"]},
        headers=HX,
    )
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "<html" not in html and "李新" in html and "已保存" in html
    assert _user("lisi").roles == ["counselor", "editor"]
    cancel = client.get(f"/console/users/{user.id}", headers=HX)
    assert cancel.status_code == 200 and "<html" not in cancel.get_data(as_text=True)
    assert "Vary" in cancel.headers and "HX-Request" in cancel.headers["Vary"]


def test_inline_edit_errors_are_422_fragment(client, login_as, make_user):
    """htmx: an invalid edit returns the form fragment with 422, the typed value and the error."""
    login_as("admin")
    user = make_user(roles=("editor",), username="lisi")
    response = client.post(
        f"/console/users/{user.id}/edit",
        data={f"u{user.id}-display_name": "改名了", f"u{user.id}-roles": []},
        headers=HX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert "请至少选择一个角色" in html and 'value="改名了"' in html
    assert _user("lisi").display_name != "改名了"


def test_edit_without_javascript(client, login_as, make_user):
    """Without htmx the edit form is a full page and saving redirects back to the list."""
    login_as("admin")
    user = make_user(roles=("editor",), username="lisi")
    page = client.get(f"/console/users/{user.id}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    saved = client.post(
        f"/console/users/{user.id}/edit",
        data={f"u{user.id}-display_name": "李四", f"u{user.id}-roles": ["archivist"]},
    )
    assert saved.status_code == 303 and saved.headers["Location"] == "/console/users/"
    assert _user("lisi").roles == ["archivist"]
    bad = client.post(f"/console/users/{user.id}/edit", data={f"u{user.id}-display_name": ""})
    assert bad.status_code == 422 and "<html" in bad.get_data(as_text=True)


def test_admin_cannot_drop_own_admin_role_or_deactivate_self(client, login_as):
    """An admin cannot remove their own admin role or deactivate themselves (clear message, 422)."""
    me = login_as("admin")
    response = client.post(
        f"/console/users/{me.id}/edit",
        data={f"u{me.id}-display_name": "我", f"u{me.id}-roles": ["editor"]},
        headers=HX,
    )
    assert response.status_code == 422 and "不能取消自己的系统管理员角色" in response.get_data(as_text=True)
    response = client.post(
        f"/console/users/{me.id}/active", data={"active": "0", "confirm": "yes"}, headers=HX
    )
    assert response.status_code == 422 and "不能停用自己的账号" in response.get_data(as_text=True)
    plain = client.post(f"/console/users/{me.id}/active", data={"active": "0", "confirm": "yes"})
    assert plain.status_code == 422 and "不能停用自己的账号" in plain.get_data(as_text=True)
    assert _user(me.username).active and _user(me.username).has_role("admin")


def test_own_row_offers_no_deactivation(client, login_as, make_user):
    """The admin's own card has no 停用 button (it would only be refused); other accounts keep theirs."""
    me = login_as("admin")
    other = make_user(roles=("editor",))
    page = client.get("/console/users/").get_data(as_text=True)
    assert f'aria-label="停用 {other.display_name}"' in page
    assert f'aria-label="停用 {me.display_name}"' not in page


def test_deactivate_and_reactivate(client, login_as, make_user, app):
    """Deactivating ends the user's session at once; reactivating lets them sign in again."""
    login_as("admin")
    user = make_user(roles=("editor",), username="lisi", password="long-enough-pass")
    other = app.test_client()
    other.post(
        "/login", data={"username": "lisi", "password": "long-enough-pass", "csrf_token": _token(other)}
    )
    assert other.get("/console/").status_code == 200
    response = client.post(
        f"/console/users/{user.id}/active", data={"active": "0", "confirm": "yes"}, headers=HX
    )
    assert response.status_code == 200 and "已停用" in response.get_data(as_text=True)
    assert other.get("/console/").status_code == 302
    plain = client.post(f"/console/users/{user.id}/active", data={"active": "1"})
    assert plain.status_code == 303
    assert _user("lisi").active


def _token(test_client):

    return CsrfClient.csrf_token(test_client)


def test_reset_password_htmx_and_plain(client, login_as, make_user):
    """Reset shows a one-time password in the row (htmx) or on the list page (plain); old one stops working."""
    login_as("admin")
    user = make_user(roles=("editor",), username="lisi", password="long-enough-pass")
    response = client.post(f"/console/users/{user.id}/reset-password", data={"confirm": "yes"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "一次性密码" in html
    otp = html.split('<code class="otp">')[1].split("</code>")[0]
    fresh = _user("lisi")
    assert fresh.check_password(otp) and not fresh.check_password("long-enough-pass")
    assert fresh.must_change_password
    plain = client.post(f"/console/users/{user.id}/reset-password", data={"confirm": "yes"})
    assert plain.status_code == 200 and "<html" in plain.get_data(as_text=True)
    assert "一次性密码" in plain.get_data(as_text=True)


def test_resetting_a_password_asks_first(client, login_as, make_user):
    """Without JS the reset asks on a page naming the user; only confirm=yes (with CSRF) resets, and the
    one-time password is then shown once on the list page."""
    login_as("admin")
    user = make_user(roles=("editor",), username="lisi", password="long-enough-pass")
    url = f"/console/users/{user.id}/reset-password"
    question = f"确定要重置 {user.display_name}（lisi）的密码吗？"
    users_page = client.get("/console/users/").get_data(as_text=True)
    assert f'hx-confirm="{question}原密码将立即失效' in users_page  # the dialog's question
    html = asks_first(client, url, question)
    assert back_link(html) == "/console/users/"
    htmx = client.post(url, data={}, headers=HX)
    assert htmx.headers.get("HX-Redirect") == url
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    fresh = _user("lisi")
    assert fresh.check_password("long-enough-pass") and not fresh.must_change_password
    plain = client.post(url, data={"confirm": "yes"})
    page = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" in page and "lisi 的一次性密码" in page
    otp = page.split('<code class="otp">')[1].split("</code>")[0]
    assert _user("lisi").check_password(otp)
    assert 'class="otp"' not in client.get("/console/users/").get_data(as_text=True)  # shown once


def test_resetting_a_second_factor_asks_first(client, login_as, make_user):
    """Without JS the second-factor reset asks on a page naming the user; only confirm=yes resets it."""
    login_as("admin")
    user = make_user(roles=("counselor",), username="lili")
    url = f"/console/users/{user.id}/reset-mfa"
    question = f"确定要重置 {user.display_name}（lili）的两步验证吗？"
    users_page = client.get("/console/users/").get_data(as_text=True)
    assert f'hx-confirm="{question}其登录会话将失效' in users_page  # the dialog's question
    html = asks_first(client, url, question)
    assert back_link(html) == "/console/users/"
    assert client.post(url, data={}, headers=HX).headers.get("HX-Redirect") == url
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    assert _user("lili").has_mfa
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/console/users/"
    assert not _user("lili").has_mfa
    assert "lili：已重置两步验证" in client.get("/console/users/").get_data(as_text=True)


def test_unknown_user_is_404(client, login_as):
    """Actions on a user id that does not exist give a Chinese 404."""
    login_as("admin")
    assert client.get("/console/users/99999/edit").status_code == 404
    assert (
        client.post("/console/users/99999/active", data={"active": "0", "confirm": "yes"}).status_code == 404
    )
    for action in ("reset-password", "reset-mfa"):
        assert client.get(f"/console/users/99999/{action}").status_code == 404
        assert client.post(f"/console/users/99999/{action}", data={}).status_code == 404


def test_last_admin_is_kept(app, make_user):
    """The service refuses to deactivate or demote the last active admin."""
    admin = make_user(roles=("admin",), username="boss")
    try:
        services.set_active(admin, False)
    except services.AccountError as exc:
        assert "至少需要保留一个启用的系统管理员" in exc.message
    else:
        raise AssertionError("last admin deactivated")
    db.session.rollback()
    try:
        services.update_user(admin, "老板", ["editor"])
    except services.AccountError as exc:
        assert "至少需要保留" in exc.message
    else:
        raise AssertionError("last admin demoted")


def test_users_cli(runner, app):
    """`flask users create` with --password-stdin and `flask users list`."""
    result = runner.invoke(
        args=["users", "create", "cliuser", "--role", "editor", "--role", "counselor", "--password-stdin"],
        input="long-enough-pass\n",
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["users", "list"])
    assert "cliuser" in listing.output and "counselor,editor" in listing.output
    bad = runner.invoke(
        args=["users", "create", "x", "--role", "editor", "--password-stdin"], input="short\n"
    )
    assert bad.exit_code != 0 and "用户名" in bad.output


def test_console_shows_each_role_its_entries(client, login_as):
    """/console/ lists only the entry points of the user's roles (用户管理 for admins only)."""
    login_as("editor")
    assert "用户管理" not in client.get("/console/").get_data(as_text=True)
    login_as("admin")
    assert "用户管理" in client.get("/console/").get_data(as_text=True)


def test_create_user_shows_every_error_at_once_with_a_summary(client, login_as, make_user):
    """Issue 13: one submit names every problem (bad or taken username, name, roles) inline and in the summary."""
    login_as("admin")
    make_user(roles=("editor",), username="taken")
    cases = [
        (
            {"username": "Bad Name!", "display_name": "", "roles": []},
            "用户名需为 3–40 位小写字母、数字或 _ . -。",
        ),
        ({"username": "taken", "display_name": "", "roles": []}, "这个用户名已经存在。"),
    ]
    for data, username_error in cases:
        response = client.post("/console/users/new", data=data)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        summary = html.split('id="error-summary"')[1].split("</div>")[0]
        for field, message in (
            ("username", username_error),
            ("display_name", "请填写此项。"),
            ("roles", "请至少选择一个角色。"),
        ):
            assert f'href="#{field}"' in summary and message in summary, (field, summary)
            assert f'id="{field}-error">{message}</p>' in html
        assert f'value="{data["username"]}"' in html
    assert _user("bad name!") is None
