"""One helper that returns either the full page or its htmx fragment."""

from flask import make_response, render_template, request

from app.web.headers import add_vary


def wants_fragment() -> bool:
    """True for an htmx request that is neither boosted navigation nor a history restore."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(template: str, fragment: str | None = None, *, status: int = 200, **context):
    """Render ``fragment`` for an htmx swap, ``template`` otherwise; always ``Vary: HX-Request``.

    The fragment of an htmx action (any method but GET) also carries the page's flash area out of band:
    with this request's messages, or empty, so an earlier page's message does not stay on screen above the
    action's own answer. Reading fragments (live search, polling) leave it alone.
    """
    in_place = bool(fragment) and wants_fragment()
    html = render_template(fragment if in_place else template, **context)
    if in_place and request.method != "GET":
        html += render_template("web/_flashes.html", oob=True)
    response = make_response(html, status)
    add_vary(response, "HX-Request")
    return response
