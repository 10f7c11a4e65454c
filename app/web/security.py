"""Security headers applied to every response."""

from flask import Flask, request

from app.web.headers import add_vary

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Static types a browser may open as a document of our origin (an SVG can carry script): they keep the
# document policies. Scripts, style sheets, fonts and raster images only need ``nosniff``; leaving the
# rest off saves ~450 bytes per asset on a slow phone network.
DOCUMENT_TYPES = frozenset({"text/html", "image/svg+xml", "application/xml", "text/xml"})
SUBRESOURCE_HEADERS = (("X-Content-Type-Options", "nosniff"),)
DOCUMENT_HEADERS = (
    *SUBRESOURCE_HEADERS,
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"),
)


def _https(app: Flask) -> bool:
    """Whether the site runs behind HTTPS: secure cookies, an https scheme or an https SITE_URL."""
    config = app.config
    return bool(
        config.get("SESSION_COOKIE_SECURE")
        or config.get("PREFERRED_URL_SCHEME") == "https"
        or (config.get("SITE_URL") or "").startswith("https://")
    )


def init_app(app: Flask) -> None:
    """Register the after-request hook that sets CSP and friends."""

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        present = {key.lower() for key, _value in headers}
        document = request.endpoint != "static" or response.mimetype in DOCUMENT_TYPES
        # A script, style sheet or picture is no document: it needs only nosniff.
        for name, value in DOCUMENT_HEADERS if document else SUBRESOURCE_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if not document:
            return response
        if request.headers.get("HX-Request"):
            add_vary(response, "HX-Request")
        if _https(app):  # HSTS only when the site is served over HTTPS (issue 15)
            headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']}")
        if request.path.startswith(("/console", "/login", "/account")):
            headers["Cache-Control"] = "no-store"
        return response
