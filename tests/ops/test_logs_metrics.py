"""JSON request logs without personal data, X-Request-ID, and /metrics for allowed addresses only."""

import json
import logging
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.booking.models import Booking
from app.ops.logs import JsonFormatter
from tests.hotline.booking.flow import DETAILS, form_token, walk_to_check

CANARY_NAME = "金丝雀甲乙丙"
CANARY_PHONE = "13900007777"
CANARY_TEXT = "金丝雀描述QX7Z"
REQUEST_ID = re.compile(r"\b[0-9a-f]{32}\b")


@pytest.fixture
def log_lines(caplog):
    """Every log record of the test (DEBUG and up, every logger), formatted as the production JSON lines."""
    caplog.set_level(logging.DEBUG)
    formatter = JsonFormatter()

    def lines():
        return [formatter.format(record) for record in caplog.records]

    return lines


def test_a_booking_leaves_no_personal_data_in_any_log_line(app, client, create_slot, log_lines):
    """A canary name, phone and description typed into a booking never appear in any log line."""
    slot = create_slot()
    details = dict(DETAILS, nickname=CANARY_NAME, phone="139 0000 7777", description=CANARY_TEXT)
    check = walk_to_check(client, slot, details)
    done = client.post("/hotline/book/check", data={"form_token": form_token(check.get_data(as_text=True))})
    assert done.status_code in (200, 303), done.get_data(as_text=True)[:500]
    assert db.session.scalars(select(Booking)).one().nickname == CANARY_NAME  # the canary really went in
    client.post("/hotline/manage", data={"reference": "NOPE1234", "phone": CANARY_PHONE})
    client.get(f"/search?q={CANARY_TEXT}")
    lines = log_lines()
    access = [json.loads(line) for line in lines if '"logger": "app.access"' in line]
    assert len(access) >= 8
    for line in lines:
        # Request ids are 32 random hex digits and may contain "7777" by chance (seen once in CI).
        text = REQUEST_ID.sub("<id>", line)
        for canary in (CANARY_NAME, CANARY_PHONE, "7777", CANARY_TEXT, "QX7Z"):
            assert canary not in text, line


def test_one_access_line_per_request_with_request_id(app, client, login_as, log_lines):
    """Each request logs method, route (not path), status, duration, request id; staff get a user id."""
    user = login_as("admin")
    response = client.get("/console/", headers={"X-Request-ID": "nginx-req-0123456789"})
    assert response.headers["X-Request-ID"] == "nginx-req-0123456789"
    generated = client.get("/places/ZQ-9999", headers={"X-Request-ID": "bad id; drop table"})
    assert (
        generated.headers["X-Request-ID"] != "bad id; drop table"
        and len(generated.headers["X-Request-ID"]) == 32
    )
    entries = [json.loads(line) for line in log_lines() if '"logger": "app.access"' in line]
    first, second = entries[-2], entries[-1]
    assert first["request_id"] == "nginx-req-0123456789" and first["route"] == "/console/"
    assert first["status"] == 200 and first["user_id"] == user.id and first["duration_ms"] >= 0
    assert second["route"] == "/places/<code>" and "ZQ-9999" not in json.dumps(second)


def test_metrics_only_from_allowed_addresses(app, client):
    """/metrics answers Prometheus text to 127.0.0.1 and 404 to anyone else."""
    client.get("/search?q=章丘")
    client.get("/")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'zq_http_request_duration_seconds_count{method="GET",route="/",status="200"}' in text
    assert 'zq_search_seconds_count{endpoint="search.search_page"} 1.0' in text
    assert "zq_job_missed" in text
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert outside.status_code == 404


def test_metrics_count_bookings_and_job_runs(app, client, runner, book, create_slot):
    """Bookings made and job results show up in /metrics."""
    book(create_slot())
    runner.invoke(args=["jobs", "run", "release"])
    text = client.get("/metrics").get_data(as_text=True)
    assert 'zq_bookings_total{event="created",mode="phone"} 1.0' in text
    assert 'zq_job_runs_total{job="release",result="ok"} 1.0' in text
    assert 'zq_job_last_success_timestamp_seconds{job="release"}' in text
