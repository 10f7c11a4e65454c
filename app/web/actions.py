"""One way to run a form action: validate, call the service, show a domain error next to its field."""

from collections.abc import Callable

from flask import flash, redirect
from flask_wtf import FlaskForm

from app.extensions import db
from app.web.errors import DomainError
from app.web.render import wants_fragment


def attach_error(form: FlaskForm | None, error: DomainError) -> list[str]:
    """Put each message of ``error`` under the form field it names; return the ones that name no field.

    An error carries one message for ``error.field``, or several in an ``errors`` dict keyed by field name
    (``None`` for the whole form), as the policies services raise them.
    """
    messages = getattr(error, "errors", None) or {error.field: error.message}
    general = []
    for name, message in messages.items():
        field = getattr(form, name, None) if (form is not None and name) else None
        if field is None or not hasattr(field, "errors"):
            general.append(message)
        else:
            field.errors = [*field.errors, message]
    return general


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
        general = attach_error(form, exc)
        return render_page(status=exc.status, error="；".join(general) or None)
    if fragment is not None and wants_fragment():
        return fragment(message=success)
    flash(success, "success")
    return redirect(redirect_to, code=303)
