"""Issue 11 on the booking steps: bot check timed from the booking's start, no-JS post/redirect/get at step 4,
landline help, the .ics manage link as an absolute URL."""

import re
from datetime import time

from icalendar import Calendar

from app.hotline.booking import routes, services
from tests.hotline.booking.flow import DETAILS

NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "same-origin"}


def _to_details(client, slot):
    client.post("/hotline/book", data={"topic": "other"})
    client.post("/hotline/book/mode", data={"mode": slot.mode})
    client.post("/hotline/book/time", data={"slot_id": slot.id})


def test_bot_check_counts_from_the_first_step(client, create_slot, monkeypatch):
    """Coming back to step 4 (更改) and pressing 继续 at once is fine when the booking began long enough ago."""
    slot = create_slot(at=time(9))
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 2
    start = routes.clock.time()
    monkeypatch.setattr(routes.clock, "time", lambda: start)
    assert client.get("/hotline/book").status_code == 200
    _to_details(client, slot)
    monkeypatch.setattr(routes.clock, "time", lambda: start + 30)
    client.get("/hotline/book/details")  # a fresh render of step 4 does not restart the clock
    assert client.post("/hotline/book/details", data=DETAILS).status_code == 303


def test_no_js_error_at_step_4_is_post_redirect_get(client, create_slot):
    """A browser's plain form post with errors is answered 303; the GET shows the errors and the kept input."""
    slot = create_slot(at=time(9))
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 0
    _to_details(client, slot)
    bad = dict(DETAILS, phone="0531-83212345", nickname="李先生")
    response = client.post("/hotline/book/details", data=bad, headers=NAVIGATE)
    assert response.status_code == 303 and response.headers["Location"].endswith("/hotline/book/details")
    page = client.get("/hotline/book/details", headers=NAVIGATE)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "error-summary" in html
    assert 'value="李先生"' in html and 'value="0531-83212345"' in html
    # someone with only a landline is told to call the hotline directly, with a tel: link
    assert "只有座机" in html and re.search(r'href="tel:[0-9-]+"', html)
    # the fixed input goes through, and the draft is forgotten
    assert client.post("/hotline/book/details", data=DETAILS, headers=NAVIGATE).status_code == 303
    assert client.get("/hotline/book/details").status_code == 200


def test_ics_links_to_the_manage_page_with_site_url(app, book, create_slot):
    """The calendar file's description carries SITE_URL + /hotline/manage, not a relative path."""
    booking = book(create_slot(at=time(9)))
    app.config["SITE_URL"] = "https://zq.example.cn"
    event = Calendar.from_ical(services.booking_ics(booking, "ignored.example")).walk("VEVENT")[0]
    assert "https://zq.example.cn/hotline/manage" in str(event["description"])
