"""Resident pages: intro, booking steps, slot picker (fragment + page), confirmation, .ics, manage."""

import logging
import re
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.booking.models import Booking, Slot
from tests.hotline.booking.flow import DETAILS, form_token, pick_slot, walk_to_check
from tests.processes import read_bytes_elsewhere


def _html(response) -> str:
    return response.get_data(as_text=True)


def _submit(client):
    check = client.get("/hotline/book/check")
    return client.post("/hotline/book/check", data={"form_token": form_token(_html(check))})


def test_intro_page_has_number_hours_safety_and_quick_exit(client):
    """The intro page: big tel: link, hours with open-now status, safety box, quick exit, neutral title."""
    response = client.get("/hotline/")
    html = _html(response)
    assert response.status_code == 200
    assert 'href="tel:053183212345"' in html
    assert "接听时间" in html and ("现在正在接听" in html or "现在不在接听时间" in html)
    assert 'href="tel:110"' in html and "12338" in html and "不能做" in html
    assert "data-quick-exit" in html and "baidu.com" in html
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert "婚姻" not in title and "调解" not in title
    assert response.headers["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in html


@pytest.mark.parametrize(
    "url", ["/hotline/book", "/hotline/manage", "/hotline/slots?mode=phone", "/hotline/bookings/ABCDEFGH"]
)
def test_every_hotline_page_has_safety_box_and_no_store(client, url):
    """Each hotline page carries the safety box and the quick exit, and is never cached."""
    response = client.get(url)
    html = _html(response)
    assert 'href="tel:110"' in html and "data-quick-exit" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in html
    assert not re.search(r"<title>[^<]*(婚姻|调解)", html)


def test_full_booking_journey(client, create_slot):
    """A resident goes through the steps, gets a reference and the .ics; no personal data in any URL."""
    slot = create_slot()
    check = walk_to_check(client, slot)
    html = _html(check)
    assert "王阿姨" in html and "138 1234 1234" in html and "家庭矛盾纠纷" in html
    response = client.post("/hotline/book/check", data={"form_token": form_token(html)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/hotline/book/confirmation")
    confirmation = client.get("/hotline/book/confirmation")
    booking = db.session.scalar(select(Booking))
    assert booking.reference_display in _html(confirmation)
    assert booking.town == "明水街道" and booking.phone == "13812341234"
    ics = client.get(f"/hotline/bookings/{booking.reference}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    body = ics.get_data(as_text=True)
    assert "幸福泉城服务预约" in body and "婚姻" not in body and "调解" not in body
    assert "appointment.ics" in ics.headers["Content-Disposition"]


def test_ics_needs_this_browser_to_have_opened_the_booking(client, app, book, create_slot):
    """A stranger who guesses a reference gets 404 for the .ics."""
    booking = book(create_slot())
    assert client.get(f"/hotline/bookings/{booking.reference}.ics").status_code == 404


def test_steps_cannot_be_skipped(client):
    """Opening a later step first sends the resident back to the first unanswered step."""
    response = client.get("/hotline/book/details")
    assert response.status_code == 303 and response.headers["Location"].endswith("/hotline/book")


def test_slot_picker_fragment_and_full_page(client, book, create_slot):
    """/hotline/slots returns the picker fragment to htmx and a full page otherwise; only free slots."""
    free = create_slot(at=time(9))
    full = create_slot(at=time(10))
    book(full)
    day = free.local_start.date().isoformat()
    fragment = client.get(f"/hotline/slots?date={day}&mode=phone&for=book", headers={"HX-Request": "true"})
    html = _html(fragment)
    assert fragment.status_code == 200 and "<html" not in html
    assert f'value="{free.id}"' in html and f'value="{full.id}"' not in html
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get(f"/hotline/slots?date={day}&mode=phone")
    assert page.status_code == 200 and "<html" in _html(page) and "09:00" in _html(page)
    assert client.get("/hotline/slots?mode=nonsense").status_code == 404


def test_details_errors_keep_what_was_typed(client, create_slot):
    """A landline and a 10,000-character description give 422 with messages; typed values stay."""
    slot = create_slot()
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 0
    pick_slot(client, slot)
    client.get("/hotline/book/details")
    data = dict(DETAILS, phone="0531-83212345", description="长" * 10_000, nickname="李先生")
    response = client.post("/hotline/book/details", data=data)
    html = _html(response)
    assert response.status_code == 422
    assert "error-summary" in html and "手机号码" in html and "最多 500 个字" in html
    assert 'value="李先生"' in html and 'value="0531-83212345"' in html


def test_missing_consent_is_refused(client, create_slot):
    """The consent box starts unticked; sending it unticked gives 422."""
    slot = create_slot()
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 0
    pick_slot(client, slot)
    client.get("/hotline/book/details")
    assert client.post("/hotline/book/details", data=DETAILS).status_code == 303
    page = client.get("/hotline/book/consent")
    assert "checked" not in re.search(r'<input[^>]*name="consent"[^>]*>', _html(page)).group(0)
    assert "180 天" in _html(page)
    response = client.post("/hotline/book/consent", data={})
    assert response.status_code == 422 and "请勾选同意" in _html(response)
    assert client.get("/hotline/book/check").status_code == 303


def test_bots_honeypot_and_too_fast(client, create_slot):
    """Filling the hidden field, or posting the details within 2 seconds, is refused (422)."""
    slot = create_slot()
    pick_slot(client, slot)
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 2
    client.get("/hotline/book/details")
    too_fast = client.post("/hotline/book/details", data=DETAILS)
    assert too_fast.status_code == 422 and "太快" in _html(too_fast)
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 0
    bot = client.post("/hotline/book/details", data=dict(DETAILS, website="http://spam.example"))
    assert bot.status_code == 422
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 0


def test_replayed_form_does_not_duplicate(client, create_slot):
    """Re-sending the same check form (same cookie, same token) does not create a second booking."""
    slot = create_slot(capacity=3)
    html = _html(walk_to_check(client, slot))
    cookie = client.get_cookie("session").value
    token = form_token(html)
    assert client.post("/hotline/book/check", data={"form_token": token}).status_code == 303
    client.set_cookie("session", cookie)
    replay = client.post("/hotline/book/check", data={"form_token": token})
    assert replay.status_code == 409
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1


def test_slot_taken_meanwhile_shows_refreshed_picker(client, book, create_slot):
    """If the last place goes while the resident checks, they get 这个时间刚被约满 and a fresh picker."""
    slot = create_slot(at=time(9))
    other = create_slot(at=time(10))
    html = _html(walk_to_check(client, slot))
    book(slot, phone="13912345678")
    response = client.post("/hotline/book/check", data={"form_token": form_token(html)})
    page = _html(response)
    assert response.status_code == 409
    assert "这个时间刚被约满" in page and 'id="slot-picker"' in page
    assert f'value="{other.id}"' in page and f'value="{slot.id}"' not in page
    # choosing another time goes straight back to the check page with everything else kept
    again = client.post("/hotline/book/time", data={"slot_id": other.id})
    assert again.headers["Location"].endswith("/hotline/book/check")
    assert _submit(client).status_code == 303


def test_second_booking_for_same_phone_is_refused_at_step_4(client, book, create_slot):
    """One active booking per phone (issue 11): step 4 refuses it (422) with a link to the manage page."""
    first = create_slot(at=time(9))
    second = create_slot(at=time(10))
    book(first)
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 0
    pick_slot(client, second)
    response = client.post("/hotline/book/details", data=DETAILS)
    html = _html(response)
    assert response.status_code == 422 and "已经有一个" in html and 'href="/hotline/manage"' in html
    assert 'value="王阿姨"' in html


def test_second_booking_made_meanwhile_is_409_at_check(client, book, create_slot):
    """A booking made for the same phone after step 4 is still refused at the check page (409, manage link)."""
    first = create_slot(at=time(9))
    second = create_slot(at=time(10))
    walk_to_check(client, second)
    book(first)
    response = _submit(client)
    html = _html(response)
    assert response.status_code == 409 and "已经有一个" in html and 'href="/hotline/manage"' in html


def test_manage_find_move_cancel(client, book, create_slot):
    """Reference + phone open the booking (masked); the resident moves it, then cancels it."""
    old = create_slot(at=time(9))
    new = create_slot(at=time(11))
    booking = book(old)
    found = client.post(
        "/hotline/manage", data={"reference": booking.reference_display, "phone": "13812341234"}
    )
    assert found.status_code == 303 and "1381234" not in found.headers["Location"]
    page = _html(client.get("/hotline/manage/booking"))
    assert "138****1234" in page and "13812341234" not in page
    move_page = client.get("/hotline/manage/move")
    assert f'value="{new.id}"' in _html(move_page) and f'value="{old.id}"' not in _html(move_page)
    moved = client.post("/hotline/manage/move", data={"slot_id": new.id})
    assert moved.status_code == 200 and "已改到" in _html(moved)
    assert db.session.get(Booking, booking.id).slot_id == new.id
    assert client.get("/hotline/manage/cancel").status_code == 200
    cancelled = client.post("/hotline/manage/cancel", data={})
    assert cancelled.status_code == 200 and "预约已取消" in _html(cancelled)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "cancelled"
    assert db.session.get(Slot, new.id).booked == 0


def test_wrong_combinations_are_neutral_and_rate_limited(client, app, book, create_slot):
    """Wrong reference/phone pairs get the same 404 message; repeated failures get 429."""
    booking = book(create_slot())
    a = client.post("/hotline/manage", data={"reference": booking.reference, "phone": "13900000000"})
    b = client.post("/hotline/manage", data={"reference": "ZZZZ-ZZZZ", "phone": "13812341234"})
    message = "没有找到对应的预约"
    assert a.status_code == b.status_code == 404
    assert message in _html(a) and message in _html(b)
    statuses = [
        client.post("/hotline/manage", data={"reference": "ZZZZ-ZZZZ", "phone": "13812341234"}).status_code
        for _ in range(20)
    ]
    assert 429 in statuses


def test_booking_link_asks_for_the_phone_first(client, book, create_slot):
    """/hotline/bookings/<reference> shows nothing until the phone number is given by POST."""
    booking = book(create_slot())
    page = client.get(f"/hotline/bookings/{booking.reference}")
    assert page.status_code == 200 and "138****" not in _html(page) and 'name="phone"' in _html(page)
    wrong = client.post(f"/hotline/bookings/{booking.reference}", data={"phone": "13900000000"})
    assert wrong.status_code == 404
    right = client.post(f"/hotline/bookings/{booking.reference}", data={"phone": "138 1234 1234"})
    assert right.status_code == 303
    assert "138****1234" in _html(client.get("/hotline/manage/booking"))


def test_many_bookings_from_one_address_get_429(client, create_slot):
    """Booking after booking from one address is stopped with 429 long before 100."""
    slot = create_slot(capacity=200)
    statuses = []
    for n in range(100):
        walk_to_check(client, slot, dict(DETAILS, phone=f"139{n:08d}"))
        statuses.append(_submit(client).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) < 100


def test_canary_not_in_database_file_or_logs(client, app, caplog, create_slot):
    """A canary typed into the description is not in the SQLite file, the logs or the search index."""
    caplog.set_level(logging.DEBUG)
    canary = "CANARY-9f3e2a-家里"
    slot = create_slot()
    walk_to_check(client, slot, dict(DETAILS, description=canary))
    assert _submit(client).status_code == 303
    db.session.remove()
    assert canary not in caplog.text
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for candidate in (path, Path(f"{path}-wal")):
            if candidate.exists():
                assert canary.encode() not in read_bytes_elsewhere(candidate)
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    if index_dir.exists():
        for file in index_dir.rglob("*"):
            if file.is_file():
                assert canary.encode() not in file.read_bytes()


def test_triage_shows_emergency_numbers_while_typing(client):
    """The description is checked as it is typed: danger words show 110/12338 at once (fragment + page)."""
    urgent = client.post(
        "/hotline/book/triage", data={"description": "他喝了酒就打我"}, headers={"HX-Request": "true"}
    )
    html = _html(urgent)
    assert urgent.status_code == 200 and "<html" not in html and 'href="tel:110"' in html and "12338" in html
    calm = client.post(
        "/hotline/book/triage", data={"description": "想聊聊婆媳关系"}, headers={"HX-Request": "true"}
    )
    assert "urgent-box" not in _html(calm)
    page = client.post("/hotline/book/triage", data={"description": "我不想活了"})
    assert "<html" in _html(page) and "12356" in _html(page)


def test_urgent_description_shows_numbers_on_the_next_steps(client, create_slot):
    """After an urgent description the consent and check pages show the emergency numbers."""
    slot = create_slot()
    walk_to_check(client, slot, dict(DETAILS, description="他威胁我"))
    assert "urgent-box" in _html(client.get("/hotline/book/consent"))
    assert "urgent-box" in _html(client.get("/hotline/book/check"))
    _submit(client)
    assert "urgent-box" in _html(client.get("/hotline/book/confirmation"))
    assert db.session.scalar(select(Booking)).urgent is True


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/hotline/book", {"topic": "<script>"}),
        ("/hotline/book/mode", {"mode": "fax"}),
        ("/hotline/book/time", {"slot_id": "abc"}),
        ("/hotline/book/time", {"slot_id": "999999"}),
        ("/hotline/book/details", {"phone": "１３８１２３４１２３４", "nickname": "x" * 5000}),
        ("/hotline/book/consent", {"consent": "maybe"}),
        ("/hotline/book/check", {"form_token": "forged"}),
        ("/hotline/manage", {"reference": "'; DROP TABLE --", "phone": "😀"}),
        ("/hotline/manage/move", {"slot_id": "1"}),
        ("/hotline/manage/cancel", {}),
    ],
)
def test_bad_input_never_500(client, url, data, create_slot):
    """Garbage in any step gives a clear 3xx/4xx, never a 500, and saves nothing."""
    create_slot()
    client.post("/hotline/book", data={"topic": "other"})
    client.post("/hotline/book/mode", data={"mode": "phone"})
    response = client.post(url, data=data)
    assert response.status_code < 500
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 0


def test_vanished_slot_at_time_step_is_409_with_picker(client, book, create_slot):
    """Choosing a slot that is full or does not exist answers 409 with the picker shown again."""
    slot = create_slot(at=time(9))
    free = create_slot(at=time(10))
    book(slot, phone="13912345678")
    client.post("/hotline/book", data={"topic": "other"})
    client.post("/hotline/book/mode", data={"mode": "phone"})
    for slot_id in (slot.id, 999999):
        response = client.post("/hotline/book/time", data={"slot_id": slot_id})
        assert response.status_code == 409
        assert 'id="slot-picker"' in _html(response) and f'value="{free.id}"' in _html(response)


def test_bad_date_in_picker_falls_back(client, create_slot):
    """A malformed or unbookable date shows the first bookable day instead of failing."""
    slot = create_slot()
    for value in ("2026-99-99", "yesterday", "1999-01-01"):
        response = client.get(f"/hotline/slots?mode=phone&date={value}", headers={"HX-Request": "true"})
        assert response.status_code == 200 and "09:00" in _html(response)
    assert slot.id
