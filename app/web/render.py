"""One helper that returns either the full page or its htmx fragment."""

from flask import make_response, render_template, request


def wants_fragment() -> bool:
    """True for an htmx request that is neither boosted navigation nor a history restore."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(template: str, fragment: str | None = None, *, status: int = 200, **context):
    """Render ``fragment`` for an htmx swap, ``template`` otherwise; always ``Vary: HX-Request``."""
    name = fragment if fragment and wants_fragment() else template
    response = make_response(render_template(name, **context), status)
    response.vary.add("HX-Request")
    return response
