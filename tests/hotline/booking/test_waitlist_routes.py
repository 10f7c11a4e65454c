"""Waitlist pages (issue 13): 加入候补 in the time step, join without JavaScript, look up and accept."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.booking import services
from app.hotline.booking.models import Booking, WaitlistEntry
from tests.hotline.booking.flow import pick_slot


@pytest.fixture
def full_slot(book, create_slot):
    slot = create_slot()
    book(slot)
    return slot


def _to_time_step(client, mode="phone"):
    client.post("/hotline/book", data={"topic": "marriage"})
    client.post("/hotline/book/mode", data={"mode": mode})


def test_time_step_offers_the_waitlist_for_a_full_day(client, full_slot):
    """A full day shows 已约满 · 加入候补 below the form; when every day is full the picker says so too."""
    _to_time_step(client)
    day = full_slot.local_start.date().isoformat()
    page = client.get("/hotline/book/time").get_data(as_text=True)
    assert "已约满 · 加入候补" in page and f"/hotline/waitlist/join?date={day}" in page
    assert "可以在下面加入候补" in page  # no other day is free
    fragment = client.get(f"/hotline/slots?mode=phone&for=book&date={day}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "可以在下面加入候补" in html and "<html" not in html


def test_join_shows_every_error_at_once_and_keeps_input(client, full_slot):
    """Missing consent, a bad phone and no nickname are reported together, with a summary and input kept."""
    _to_time_step(client)
    day = full_slot.local_start.date().isoformat()
    assert client.get(f"/hotline/waitlist/join?date={day}").status_code == 200
    response = client.post("/hotline/waitlist/join", data={"day": day, "nickname": "", "phone": "12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and "请填写称呼" in page and "11 位手机号码" in page
    assert "请勾选同意" in page and 'value="12345"' in page
    assert db.session.scalar(select(WaitlistEntry)) is None


def test_join_without_the_earlier_steps_goes_back_to_them(client, full_slot):
    """The waitlist needs a topic and mode: a bare visit is sent to the first step."""
    response = client.get("/hotline/waitlist/join")
    assert response.status_code == 303 and response.headers["Location"].endswith("/hotline/book")


def test_join_look_up_and_accept(client, full_slot):
    """Join (no JS), get a reference; after a cancellation look it up on /hotline/manage and accept."""
    _to_time_step(client)
    day = full_slot.local_start.date().isoformat()
    response = client.post(
        "/hotline/waitlist/join",
        data={"day": day, "nickname": "张大姐", "phone": "139 0000 1111", "consent": "y"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/hotline/waitlist/entry"
    entry = db.session.scalar(select(WaitlistEntry))
    page = client.get("/hotline/waitlist/entry").get_data(as_text=True)
    assert entry.reference_display in page and "候补中" in page and "139****1111" in page

    booked = db.session.scalar(select(Booking))
    services.cancel_booking(booked.reference, "13812341234")
    client.post("/hotline/manage/leave")
    found = client.post(
        "/hotline/manage", data={"reference": entry.reference_display, "phone": "13900001111"}
    )
    assert found.headers["Location"] == "/hotline/waitlist/entry"
    page = client.get("/hotline/waitlist/entry").get_data(as_text=True)
    assert "有空位了，等您确认" in page and full_slot.label in page

    accepted = client.post("/hotline/waitlist/accept")
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/hotline/manage/booking"
    page = client.get("/hotline/manage/booking").get_data(as_text=True)
    assert "已为您预约" in page and full_slot.label in page
    assert db.session.get(WaitlistEntry, entry.id).status == "booked"


def test_waitlist_pages_without_an_opened_entry_go_to_manage(client):
    """Entry, accept and leave need an entry opened in this browser."""
    assert client.get("/hotline/waitlist/entry").headers["Location"] == "/hotline/manage"
    assert client.post("/hotline/waitlist/accept").headers["Location"] == "/hotline/manage"
    assert client.post("/hotline/waitlist/leave").headers["Location"] == "/hotline/manage"


def test_wrong_phone_finds_neither_booking_nor_waitlist(client, full_slot):
    """The lookup gives one neutral 404 for a waitlist reference with another phone number."""
    _to_time_step(client)
    client.post(
        "/hotline/waitlist/join",
        data={
            "day": full_slot.local_start.date().isoformat(),
            "nickname": "张",
            "phone": "13900001111",
            "consent": "y",
        },
    )
    entry = db.session.scalar(select(WaitlistEntry))
    client.post("/hotline/manage/leave")
    response = client.post("/hotline/manage", data={"reference": entry.reference, "phone": "13900002222"})
    assert response.status_code == 404 and "没有找到对应的预约" in response.get_data(as_text=True)


def test_pick_slot_still_books_free_days(client, create_slot):
    """Days with free places are chosen as before (the waitlist only adds full days)."""
    slot = create_slot()
    pick_slot(client, slot)
    assert client.get("/hotline/book/details").status_code == 200
