"""Console review workflow (submit, approve, return, archive, reopen) and an entry's history."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user

from app.places import drafts, revisions, services
from app.places.console import confirmations
from app.places.console.blueprint import STAFF, console_bp
from app.places.console.entries import REFUSED_KEY, place_or_404
from app.places.errors import PlaceError
from app.places.forms import CommentForm
from app.places.models import PlaceName
from app.places.rules import STATUS_LABELS
from app.web.access import role_required
from app.web.actions import run_action
from app.web.confirm import Confirmation, ask_first
from app.web.render import render


def _workflow(code: str, action, success: str, ask: Callable[[PlaceName], Confirmation] | None = None):
    """Run one workflow step on the entry; a refusal goes back to the entry page (post/redirect/get)
    with the error above the actions and the typed comment kept, so a reload of the page is a GET.
    With ``ask`` (a describer in ``confirmations``) the step is destructive and asks first (GET and POST)."""
    place = place_or_404(code)
    if ask is not None and (asked := ask_first(ask(place))) is not None:
        return asked
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    back = url_for(".view_place", code=place.code)

    def render_page(status: int, error: str | None):
        session[REFUSED_KEY] = {"code": place.code, "comment": form.comment.data or "", "error": error}
        return redirect(back, code=303)

    return run_action(
        lambda: action(place, form.comment.data or ""),
        form=None,  # the error goes above the actions, not under the comment field
        render_page=render_page,
        success=success,
        redirect_to=back,
    )


@console_bp.post("/<code>/submit")
@role_required(*STAFF)
def submit_place(code: str):
    """Send a draft to the review queue."""
    return _workflow(code, lambda p, _c: services.submit_for_review(p, current_user), "已提交审核。")


@console_bp.post("/<code>/approve")
@role_required(*STAFF)
def approve_place(code: str):
    """Approve and publish (a different archivist than the author, or an admin)."""
    return _workflow(code, lambda p, c: services.approve(p, current_user, c), "审核通过，已发布。")


@console_bp.post("/<code>/return")
@role_required(*STAFF)
def return_place(code: str):
    """Return an entry in review to its author with a comment."""
    return _workflow(code, lambda p, c: services.return_with_comment(p, current_user, c), "已退回修改。")


@console_bp.route("/<code>/archive", methods=["GET", "POST"])
@role_required(*STAFF)
def archive_place(code: str):
    """Archive an entry (hidden from the public), after confirmation."""
    return _workflow(
        code,
        lambda p, _c: services.archive(p, current_user),
        "已归档，公众页面不再显示。",
        ask=confirmations.archive,
    )


@console_bp.post("/<code>/reopen")
@role_required(*STAFF)
def reopen_place(code: str):
    """Turn a published or archived entry back into a draft."""
    return _workflow(code, lambda p, _c: services.reopen(p, current_user), "已转为草稿。")


@console_bp.route("/<code>/changes/discard", methods=["GET", "POST"])
@role_required(*STAFF)
def discard_changes(code: str):
    """Drop the pending changes of a published entry, after confirmation; the live version stays as it is."""
    return _workflow(
        code,
        lambda p, _c: drafts.discard_draft(p, current_user),
        "已放弃未发布的修改。",
        ask=confirmations.discard,
    )


# --- history ----------------------------------------------------------------------------------------


@console_bp.get("/<code>/history")
@role_required(*STAFF)
def place_history(code: str):
    """Every saved version of an entry, newest first."""
    place = place_or_404(code)
    return render(
        "places/console/place_history.html", place=place, revisions=place.revisions, statuses=STATUS_LABELS
    )


@console_bp.get("/<code>/history/<int:revision_id>")
@role_required(*STAFF)
def revision_diff(code: str, revision_id: int):
    """What changed in one version compared with the one before it (or with ?against=ID)."""
    place = place_or_404(code)
    history = place.revisions  # loaded once; both revisions are picked from it
    by_id = {r.id: r for r in history}
    revision = by_id.get(revision_id)
    if revision is None:
        abort(404)
    against_id = request.args.get("against", type=int)
    if against_id:
        older = by_id.get(against_id)
        if older is None:
            abort(404)
    else:
        older = revisions.default_comparison(history, revision)
    changes = revisions.diff_revisions(older.snapshot if older else {}, revision.snapshot)
    return render(
        "places/console/revision_diff.html",
        place=place,
        revision=revision,
        older=older,
        changes=changes,
        revisions=history,
        skipped=not against_id and older is not None and history.index(older) > history.index(revision) + 1,
    )


@console_bp.route("/<code>/history/<int:revision_id>/restore", methods=["GET", "POST"])
@role_required(*STAFF)
def restore_revision(code: str, revision_id: int):
    """Restore an older version as a new version, after confirmation."""
    place = place_or_404(code)
    revision = revisions.get_revision(place, revision_id)
    if revision is None:
        abort(404)
    if (asked := ask_first(confirmations.restore(revision))) is not None:
        return asked
    try:
        revisions.restore_revision(place, revision, current_user)
    except PlaceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".place_history", code=place.code), code=303)
    if place.is_public:
        flash(
            f"已把版本 #{revision.id} 的内容保存为未发布的修改：提交审核并通过后公众页面才会更新。", "success"
        )
    else:
        flash(f"已恢复到版本 #{revision.id}（作为新版本保存）。", "success")
    return redirect(url_for(".view_place", code=place.code), code=303)
