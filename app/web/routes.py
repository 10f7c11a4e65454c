"""Site-wide public routes: home, elder-mode preference, health, sitemap, robots."""

import logging
from datetime import date
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import text

from app.extensions import csrf, db
from app.web.blueprint import bp
from app.web.registry import get_registry
from app.web.render import render
from app.web.urls import safe_next

log = logging.getLogger(__name__)
ELDER_COOKIE = "elder"


@bp.get("/")
def home():
    """Show the home page with the three sections and what each feature contributes."""
    sections = []
    for section in sorted(get_registry(current_app).home, key=lambda s: s.order):
        try:
            sections.append((section.template, section.context()))
        except Exception:  # a broken section must not take the home page down
            log.exception("home section %s failed", section.template)
    return render("web/home.html", sections=sections)


def _same_origin_post() -> bool:
    """True unless the browser says the POST came from another site (Sec-Fetch-Site, else Origin)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:  # browsers before ~2020 send neither header on a same-site form post
        return True
    return urlsplit(origin).netloc == request.host


# No CSRF token here, on purpose (issue 12): the switch sits in the header of every public page, and a
# per-session token there would give every anonymous visitor a session cookie and make every public page
# uncacheable. The request only flips a display cookie (no account, no data, no side effect elsewhere), so
# what CSRF could do is switch someone's font size; browsers' Sec-Fetch-Site / Origin headers, checked in
# _same_origin_post, refuse even that from other sites. Every other POST keeps its Flask-WTF token.
@bp.post("/prefs/elder")
@csrf.exempt
def toggle_elder():
    """Toggle 长辈模式 (large text, big targets) and remember it in a cookie."""
    if not _same_origin_post():
        abort(403)
    enabled = request.cookies.get(ELDER_COOKIE) != "1"
    if request.form.get("mode") in {"on", "off"}:
        enabled = request.form["mode"] == "on"
    back = safe_next(request.form.get("next")) or url_for("web.home")
    response = redirect(back, code=303)
    response.set_cookie(
        ELDER_COOKIE, "1" if enabled else "0", max_age=365 * 24 * 3600, samesite="Lax", httponly=True
    )
    return response


@bp.get("/healthz")
def healthz():
    """Report database and registered component health as JSON, naming what fails.

    ``ok``; ``degraded`` (200) when a registered check is degraded or broken, e.g. a scheduled job that
    missed its schedule; ``error`` (503) when the database is down. ``failing`` lists the check names.
    """
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"status": "ok", "engine": db.engine.dialect.name}
    except Exception as exc:
        log.warning("health: database check failed: %s", exc)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        checks["database"] = {"status": "error", "reason": (reason or [type(exc).__name__])[0][:200]}
        db.session.rollback()
    for name, check in get_registry(current_app).health.items():
        try:
            checks[name] = check()
        except Exception as exc:
            log.warning("health: %s check failed: %s", name, exc)
            checks[name] = {"status": "error"}
    failing = [name for name, result in checks.items() if result.get("status") != "ok"]
    ok = checks["database"]["status"] == "ok"
    status = "error" if not ok else ("degraded" if failing else "ok")
    body = {"status": status, "checks": checks, "failing": failing}
    return jsonify(body), 200 if ok else 503


def site_root() -> str:
    """The site's origin for absolute URLs: ``SITE_URL`` when set, never the client's Host header then."""
    return current_app.config.get("SITE_URL") or request.host_url.rstrip("/")


@bp.get("/sitemap.xml")
def sitemap():
    """List every public page for search engines."""
    entries = [{"loc": site_root() + url_for("web.home"), "lastmod": None}]
    for provider in get_registry(current_app).sitemap:
        for entry in provider():
            entries.append({"loc": site_root() + entry.loc, "lastmod": entry.lastmod})
    xml = render_template("web/sitemap.xml", entries=entries, today=date.today())
    response = make_response(xml)
    response.mimetype = "application/xml"
    return response


@bp.get("/robots.txt")
def robots():
    """Keep crawlers out of staff and booking pages."""
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /console/",
            "Disallow: /login",
            "Disallow: /account/",
            "Disallow: /hotline/bookings/",
            "Disallow: /hotline/manage",
            f"Sitemap: {site_root()}{url_for('web.sitemap')}",
            "",
        ]
    )
    response = make_response(body)
    response.mimetype = "text/plain"
    return response
