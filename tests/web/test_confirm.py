"""Issue 13: destructive one-click actions ask first (app/web/confirm.py). Without JavaScript the POST leads to a
confirmation page (GET) that names the thing and holds the real form; with JavaScript the button's form carries
the same question in ``hx-confirm`` for the <dialog>; only ``confirm=yes`` runs the action."""

from datetime import time

import pytest

from app.accounts.models import User
from app.extensions import db
from app.hotline.booking import calendar
from app.hotline.booking.models import AvailabilityRule, Closure
from app.web.time import WEEKDAYS
from tests.hotline.factories import create_rule, future_day
from tests.web.confirming import asks_first

HX = {"HX-Request": "true"}


@pytest.mark.parametrize("kind", ["rule", "closure"])
def test_schedule_deletes_ask_first(client, login_as, kind):
    """Weekly rules and closures: the page names the rule or day; nothing is deleted until confirm=yes."""
    login_as("counselor")
    if kind == "rule":
        thing = create_rule(weekday=0, start=time(9), end=time(11))
        url, question = (
            f"/console/hotline/schedule/rules/{thing.id}/delete",
            "确定要删除每周规则“星期一 09:00–11:00",
        )
    else:
        day = future_day(9)
        thing = calendar.add_closure(day, "单位活动")
        url, question = (
            f"/console/hotline/schedule/closures/{thing.id}/delete",
            f"确定要删除休息日 {day.isoformat()}",
        )
    schedule = client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert f'action="{url}" class="inline" hx-confirm="{question}' in schedule  # the dialog's question
    asks_first(client, url, question)
    if kind == "closure":  # no space before 吗 (Chinese text has none)
        assert f"{question} {WEEKDAYS[day.weekday()]}（单位活动）吗？" in client.get(url).get_data(
            as_text=True
        )
    model = AvailabilityRule if kind == "rule" else Closure
    assert db.session.get(model, thing.id) is not None
    assert client.post(url, data={"confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(model, thing.id) is None


def test_deactivating_a_user_asks_first_reactivating_does_not(client, login_as, make_user):
    """停用 asks (page without JS, HX-Redirect to it for an htmx post without the answer); 启用 does not."""
    login_as("admin")
    user = make_user(roles=("editor",), username="zhaoliu")
    url = f"/console/users/{user.id}/active"
    users_page = client.get("/console/users/").get_data(as_text=True)
    assert f'hx-confirm="确定要停用 {user.display_name}（zhaoliu）的账号吗？停用后' in users_page
    html = asks_first(client, url, f"确定要停用 {user.display_name}（zhaoliu）的账号吗？")
    assert 'name="active" value="0"' in html
    htmx = client.post(url, data={"active": "0"}, headers=HX)
    assert htmx.headers.get("HX-Redirect") == url
    assert db.session.get(User, user.id).active
    response = client.post(url, data={"active": "0", "confirm": "yes"})
    assert response.status_code == 303
    db.session.expire_all()
    assert not db.session.get(User, user.id).active
    assert client.post(url, data={"active": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).active
