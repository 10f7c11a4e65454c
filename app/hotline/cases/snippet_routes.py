"""Canned note snippets: the admin's console page (list, add, edit, delete with confirmation), and the
keeping of a note whose save met an expired session (``keep_note_on_expired_session``).
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from app.accounts.models import User
from app.extensions import db
from app.hotline.blueprint import bp
from app.hotline.cases import services as cases
from app.hotline.cases import snippets
from app.hotline.cases.forms import EmptyForm, SnippetForm
from app.web.access import role_required
from app.web.actions import run_action
from app.web.render import render

DRAFT_KEY = "keep_note_draft"  # survives the session reset at sign-in (app.accounts.signin)
SNIPPETS_PAGE = "hotline/console/snippets.html"


def _snippet_or_404(snippet_id: int) -> snippets.NoteSnippet:
    snippet = snippets.get_snippet(snippet_id)
    if snippet is None:
        abort(404)
    return snippet


def _render_list(form: SnippetForm, status: int = 200, error: str | None = None):
    return render(SNIPPETS_PAGE, form=form, items=snippets.list_snippets(), error=error, status=status)


@bp.route("/console/hotline/snippets/", methods=["GET", "POST"])
@role_required("admin")
def snippets_admin():
    """Admins keep the counselors' canned note snippets: the list and a form to add one."""
    form = SnippetForm()
    if request.method == "GET":
        return _render_list(SnippetForm(formdata=None))
    return run_action(
        lambda: snippets.create_snippet(form.title.data, form.body.data),
        form=form,
        render_page=lambda status, error: _render_list(form, status, error),
        success="常用语已添加。",
        redirect_to=url_for("hotline.snippets_admin"),
    )


@bp.route("/console/hotline/snippets/<int:snippet_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def snippets_edit(snippet_id: int):
    """Edit one snippet's title and text."""
    snippet = _snippet_or_404(snippet_id)
    if request.method == "GET":
        form = SnippetForm(formdata=None, title=snippet.title, body=snippet.body)
        return render("hotline/console/snippet_edit.html", form=form, snippet=snippet)
    form = SnippetForm()
    return run_action(
        lambda: snippets.update_snippet(snippet, form.title.data, form.body.data),
        form=form,
        render_page=lambda status, error: render(
            "hotline/console/snippet_edit.html", form=form, snippet=snippet, error=error, status=status
        ),
        success="常用语已保存。",
        redirect_to=url_for("hotline.snippets_admin"),
    )


@bp.route("/console/hotline/snippets/<int:snippet_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def snippets_delete(snippet_id: int):
    """Delete a snippet after a confirmation page (notes that used it keep their text)."""
    snippet = _snippet_or_404(snippet_id)
    form = EmptyForm()
    if request.method == "GET":
        return render("hotline/console/snippet_delete.html", form=EmptyForm(formdata=None), snippet=snippet)
    return run_action(
        lambda: snippets.delete_snippet(snippet),
        form=form,
        render_page=lambda status, error: render(
            "hotline/console/snippet_delete.html", form=form, snippet=snippet, error=error, status=status
        ),
        success="常用语已删除。",
        redirect_to=url_for("hotline.snippets_admin"),
    )


# --- a note written while the session expired is kept, not lost ------------------------------------


def _session_user() -> User | None:
    """The counselor this browser was signed in as, even when that session has just expired."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
    else:
        ident = str(session.get("_user_id") or "").partition(":")[0]
        user = db.session.get(User, int(ident)) if ident.isdigit() else None
    return user if user is not None and user.active and user.has_role("counselor") else None


def _session_is_valid() -> bool:
    if not current_user.is_authenticated:
        return False
    try:
        validate_csrf(request.form.get("csrf_token") or request.headers.get("X-CSRFToken"))
    except ValidationError:
        return False
    return True


def keep_note_on_expired_session():
    """Before CSRF protection: a note posted with an expired session or page is kept for after sign-in.

    Only for the add-note action, only from this site (``Sec-Fetch-Site``), only for a browser whose
    (signed) session names a counselor. The text goes encrypted into ``NoteDraft``; the session holds a
    random token; the case page fills the note box with it once and deletes it. Nothing of the text goes
    into a URL or a log. Everything else is left to the usual handling (CSRF 400, login redirect).
    """
    if request.method != "POST" or request.endpoint != "hotline.cases_note_add":
        return None
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return None
    if _session_is_valid():
        return None
    user = _session_user()
    body = (request.form.get("body") or "").strip()
    case = cases.get_case((request.view_args or {}).get("number", ""))
    if user is None or not body or case is None:
        return None
    session[DRAFT_KEY] = snippets.keep_draft(case.id, user.id, body)
    page = url_for("hotline.cases_detail", number=case.number)
    if current_user.is_authenticated:
        flash("页面已过期。您写的记录没有丢失，已填回记录框，请检查后再保存。", "warning")
        target, status = page + "#note-add", 303
    else:
        flash("登录已过期。您写的记录没有丢失，重新登录后会填回记录框，请检查后再保存。", "warning")
        target, status = url_for("accounts.login", next=page), 303
    if getattr(request, "htmx", None):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=status)


def take_kept_draft(case) -> str | None:
    """The kept note text for ``case`` written by the signed-in counselor (taken once), if any."""
    token = session.get(DRAFT_KEY)
    if not token or not current_user.is_authenticated:
        return None
    body = snippets.take_draft(token, case.id, current_user.id)
    if body is not None:
        session.pop(DRAFT_KEY, None)
    return body
