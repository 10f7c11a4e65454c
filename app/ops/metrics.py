"""Prometheus metrics on ``/metrics`` (prometheus-flask-exporter), reachable only from configured addresses.

Request counts and latency by route (the URL rule, never the path: paths carry booking references),
search latency, bookings made and cancelled, and job results read from the database at scrape time.
Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py does) so every worker's samples count.
"""

import ipaddress
import os
import time
from urllib.parse import parse_qs

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as pc_multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import func, select

from app.extensions import csrf, db
from app.hotline.signals import booking_cancelled, booking_created
from app.ops import jobs
from app.ops.models import JobRun
from app.web.front import EarlyAnswer
from app.web.registry import get_registry

# Views whose ``q`` parameter runs a search; their latency is also recorded as search latency.
SEARCH_ENDPOINTS = {"search.search_page", "places.list_places", "policies.list_articles", "policies.faq"}


def route(req) -> str:
    """The metrics label of a request: its URL rule (bounded cardinality, no references or codes)."""
    return req.url_rule.rule if req.url_rule is not None else "<unmatched>"


def _allowed(addr: str | None, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(addr or "")
    except ValueError:
        return False
    return any(ip in net for net in networks)


def parse_networks(value: str) -> list:
    """``METRICS_ALLOWED_IPS``: addresses or networks, comma separated."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


class JobCollector:
    """Job results from the database: runs per result, last success time, missed flag."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        runs = CounterMetricFamily("zq_job_runs", "Recorded runs of scheduled jobs", labels=["job", "result"])
        last = GaugeMetricFamily(
            "zq_job_last_success_timestamp_seconds", "Start of the last successful run", labels=["job"]
        )
        missed = GaugeMetricFamily("zq_job_missed", "1 when the job missed its schedule", labels=["job"])
        with self.app.app_context():
            rows = db.session.execute(
                select(JobRun.name, JobRun.result, func.count()).group_by(JobRun.name, JobRun.result)
            ).all()
            for name, result, count in rows:
                runs.add_metric([name, result], count)
            for status in jobs.all_status():
                if status.last_success_at:
                    last.add_metric([status.job.name], status.last_success_at.timestamp())
                missed.add_metric([status.job.name], 1 if status.missed else 0)
            db.session.remove()
        yield from (runs, last, missed)


def _count_booking(sender, **_kwargs):
    counters = current_app.extensions.get("zq_metrics")
    if counters:
        counters["bookings"].labels(event="created", mode=getattr(sender, "mode", "") or "").inc()


def _count_cancel(sender, **_kwargs):
    counters = current_app.extensions.get("zq_metrics")
    if counters:
        counters["bookings"].labels(event="cancelled", mode=getattr(sender, "mode", "") or "").inc()


def _early_answer_observer(registry: CollectorRegistry, search: Histogram):
    """Count a page-cache hit answered before Flask (app/web/front.py) as the exporter counts any request.

    The exporter keeps its request metrics to itself; they are found in its registry by name (a test
    proves a hit is counted, so a renamed metric fails loudly).
    """
    collectors = registry._names_to_collectors  # noqa: SLF001 (no public lookup by name)
    duration = collectors["zq_http_request_duration_seconds"]
    total = collectors["zq_http_request_total"]

    def observe(answer: EarlyAnswer) -> None:
        elapsed = max(time.perf_counter() - answer.started, 0)
        status = str(answer.status)
        duration.labels(method=answer.method, route=answer.route, status=status).observe(elapsed)
        total.labels(method=answer.method, status=status).inc()
        if answer.endpoint in SEARCH_ENDPOINTS and any(
            parse_qs(answer.environ.get("QUERY_STRING", "")).get("q", [])
        ):
            search.labels(endpoint=answer.endpoint).observe(elapsed)

    return observe


def init_app(app: Flask) -> None:
    """Instrument the app and add the restricted ``/metrics`` view."""
    networks = parse_networks(app.config["METRICS_ALLOWED_IPS"])
    registry = CollectorRegistry()  # per app: several apps in one process (tests) must not collide
    PrometheusMetrics(
        app,
        path=None,
        registry=registry,
        group_by=route,
        defaults_prefix="zq",
        excluded_paths=["^/static/", "^/metrics$"],
    )
    app.extensions["zq_metrics"] = {
        "search": Histogram(
            "zq_search_seconds", "Latency of requests that run a search", ["endpoint"], registry=registry
        ),
        "bookings": Counter(
            "zq_bookings", "Hotline bookings made and cancelled", ["event", "mode"], registry=registry
        ),
    }
    get_registry(app).early_answer.append(
        _early_answer_observer(registry, app.extensions["zq_metrics"]["search"])
    )
    booking_created.connect(_count_booking)
    booking_cancelled.connect(_count_cancel)
    job_registry = CollectorRegistry()
    job_registry.register(JobCollector(app))

    @app.after_request
    def _search_latency(response):
        # Timed from the request log's start (app.ops.logs, installed first): one clock per request.
        if request.endpoint in SEARCH_ENDPOINTS and request.args.get("q") and "log_started" in g:
            elapsed = time.perf_counter() - g.log_started
            app.extensions["zq_metrics"]["search"].labels(endpoint=request.endpoint).observe(elapsed)
        return response

    @app.get("/metrics", endpoint="ops_metrics")
    @csrf.exempt
    def metrics_view():
        """Prometheus metrics for allowed addresses only (404 for everyone else)."""
        if not _allowed(request.remote_addr, networks):
            abort(404)
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            source = CollectorRegistry()
            pc_multiprocess.MultiProcessCollector(source)
        else:
            source = registry
        body = generate_latest(source) + generate_latest(job_registry)
        return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
