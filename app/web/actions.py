"""One way to run a form action: validate, call the service, show a domain error next to its field."""

from collections.abc import Callable

from flask import flash, redirect
from flask_wtf import FlaskForm

from app.extensions import db
from app.web.errors import DomainError
from app.web.render import wants_fragment


def attach_error(form: FlaskForm | None, error: DomainError) -> bool:
    """Put ``error.message`` under the form field it names; False when it names no field of ``form``."""
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is None:
        return False
    field.errors = [*field.errors, error.message]
    return True


def run_action(
    action: Callable[[], object],
    *,
    form: FlaskForm | None,
    render_page: Callable[..., object],
    success: str,
    redirect_to: str,
    fragment: Callable[..., object] | None = None,
    invalid_status: int = 422,
):
    """Validate ``form`` and run ``action()``; on success answer a fragment (htmx) or flash + 303.

    Invalid input or a ``DomainError`` rolls the transaction back and calls ``render_page(status=...,
    error=...)``: the page again with the user's input kept and the problem named next to its field (or
    in ``error`` when it belongs to no field).
    """
    if form is not None and not form.validate_on_submit():
        return render_page(status=invalid_status, error=None)
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        error = None if attach_error(form, exc) else exc.message
        return render_page(status=exc.status, error=error)
    if fragment is not None and wants_fragment():
        return fragment(message=success)
    flash(success, "success")
    return redirect(redirect_to, code=303)
