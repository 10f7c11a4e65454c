"""Counselor console for hotline cases: case pages and their actions, the phone-in form (Today and the
case list: ``lists``; statistics and the access log: ``reports``; note snippets: ``snippet_routes``).

Case actions are plain forms (POST → 303 back to the case page) that htmx enhances: with
``HX-Request`` they answer the case-body fragment instead. Every response that shows personal data
is recorded in the access log.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from app.extensions import db
from app.hotline.blueprint import bp
from app.hotline.cases import queries, snippets
from app.hotline.cases import services as cases
from app.hotline.cases.forms import (
    AssignForm,
    CallForm,
    EmptyForm,
    FollowUpForm,
    NoteForm,
    PhoneInForm,
    PriorityForm,
    StatusForm,
)
from app.hotline.cases.models import (
    CALL_RESULTS,
    Case,
    CaseError,
    CaseNote,
    FollowUp,
)
from app.hotline.cases.snippet_routes import take_kept_draft
from app.web.access import role_required
from app.web.actions import attach_error, run_action
from app.web.render import render, wants_fragment
from app.web.time import local_today, utcnow

CASE_PAGE = "hotline/console/cases_detail.html"
NOTE_SAVED = "note_saved"
PHONE_IN_FIELDS = ("topic", "mode", "nickname", "phone", "description", "town", "priority")
CASE_BODY = "hotline/console/_cases_body.html"


def no_store(response: Response) -> Response:
    """Pages with personal data stay out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _case_or_404(number: str) -> Case:
    case = cases.get_case(number)
    if case is None:
        abort(404)
    return case


def _case_forms(case: Case, **overrides) -> dict:
    """Fresh action forms for the case page (``overrides`` keep a failed form with its errors)."""
    status_form = overrides.get("status_form") or StatusForm(formdata=None)
    status_form.status.choices = {"": "请选择"} | {s: s for s in case.allowed_statuses()}
    assign_form = overrides.get("assign_form") or AssignForm(
        formdata=None, assignee=str(case.assignee_id or "")
    )
    assign_form.assignee.choices = {"": "（暂不分派）"} | {
        str(u.id): u.display_name for u in queries.counselors()
    }
    return {
        "status_form": status_form,
        "assign_form": assign_form,
        "priority_form": overrides.get("priority_form")
        or PriorityForm(formdata=None, priority=case.priority),
        "call_form": overrides.get("call_form") or CallForm(formdata=None),
        "note_form": overrides.get("note_form") or NoteForm(formdata=None),
        "follow_form": overrides.get("follow_form") or FollowUpForm(formdata=None),
        "empty_form": EmptyForm(formdata=None),
    }


def _render_case(
    case: Case,
    status: int = 200,
    message: str | None = None,
    error: str | None = None,
    snippet_inserted: bool = False,
    **overrides,
):
    """The case page (or its body fragment for htmx), logged as a read of personal data.

    The fragment holds the resident's panel too (full phone; it must follow the actions' changes), so
    both are logged as ``view``.
    """
    cases.log_access(current_user, case, "view")
    draft = None
    if "note_form" not in overrides and not wants_fragment():
        draft = take_kept_draft(case)  # a note kept over an expired session (issue 13)
        if draft is not None:
            overrides["note_form"] = NoteForm(formdata=None, body=draft)
    response = render(
        CASE_PAGE,
        CASE_BODY,
        status=status,
        case=case,
        threads=cases.note_threads(case),
        message=message,
        error=error,
        call_results=CALL_RESULTS,
        today=local_today(),
        now=utcnow(),
        snippets=snippets.list_snippets(),
        snippet_inserted=snippet_inserted,
        draft_restored=draft is not None,
        note_saved=session.pop(NOTE_SAVED, None) == case.number,
        **_case_forms(case, **overrides),
    )
    return no_store(response)


def _act(number: str, form_name: str, form, action, success: str):
    """Run one case action with ``run_action``: fragment or 303 on success, the form with its errors.

    A ``CaseError`` that names no field is shown under the form's first field (if it has one).
    """
    case = _case_or_404(number)
    if form_name == "status_form":
        form.status.choices = {s: s for s in case.allowed_statuses()}

    def run() -> None:
        try:
            action(case, form)
        except CaseError as exc:
            if getattr(form, exc.field or "", None) is None:
                exc.field = next((f.name for f in form if f.name != "csrf_token"), None)
            raise

    return run_action(
        run,
        form=form,
        render_page=lambda status, error: _render_case(case, status=status, error=error, **{form_name: form}),
        success=success,
        redirect_to=url_for("hotline.cases_detail", number=case.number),
        fragment=lambda message: _render_case(case, message=message),
    )


# --- the phone-in form ----------------------------------------------------------------------------


@bp.route("/console/hotline/cases/new", methods=["GET", "POST"])
@role_required("counselor")
def cases_new():
    """Quick form for a resident who phoned in: opens a case assigned to the counselor."""
    form = PhoneInForm()
    if form.is_submitted():
        valid = form.validate()
        values = {name: getattr(form, name).data for name in PHONE_IN_FIELDS}
        # Every field in one round: the service's checks too, even when the form already failed.
        for name, message in cases.phone_in_problems(**values).items():
            field = getattr(form, name)
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        if valid:
            try:
                case = cases.open_phone_in_case(current_user, **values)
            except CaseError as exc:
                db.session.rollback()
                attach_error(form, exc)
            else:
                flash(f"已建档：个案 {case.number}。", "success")
                return redirect(url_for("hotline.cases_detail", number=case.number), code=303)
    status = 422 if request.method == "POST" else 200
    return render("hotline/console/cases_new.html", form=form, status=status)


# --- the case page and its actions ----------------------------------------------------------------


@bp.get("/console/hotline/cases/<number>")
@role_required("counselor")
def cases_detail(number: str):
    """The case page: resident's details (full phone only here), actions, notes, follow-ups, timeline."""
    return _render_case(_case_or_404(number))


@bp.post("/console/hotline/cases/<number>/status")
@role_required("counselor")
def cases_status(number: str):
    """Change the case's status (closing needs an outcome)."""

    def action(case, form):
        cases.change_status(case, form.status.data, current_user, form.outcome.data)

    return _act(number, "status_form", StatusForm(), action, "状态已更新。")


@bp.post("/console/hotline/cases/<number>/assign")
@role_required("counselor")
def cases_assign(number: str):
    """Assign the case to a counselor."""

    def action(case, form):
        value = form.assignee.data or ""
        assignee = next((u for u in queries.counselors() if str(u.id) == value), None)
        if value and assignee is None:
            raise CaseError("请选择一位在岗的咨询员。", "assignee")
        cases.assign_case(case, assignee, current_user)

    return _act(number, "assign_form", AssignForm(), action, "已分派。")


@bp.post("/console/hotline/cases/<number>/priority")
@role_required("counselor")
def cases_priority(number: str):
    """Change the case's priority."""

    def action(case, form):
        cases.set_priority(case, form.priority.data, current_user)

    return _act(number, "priority_form", PriorityForm(), action, "优先级已更新。")


@bp.post("/console/hotline/cases/<number>/calls")
@role_required("counselor")
def cases_call(number: str):
    """Log a call or visit attempt (未接通 included)."""

    def action(case, form):
        cases.log_call_attempt(case, current_user, form.result.data)

    return _act(number, "call_form", CallForm(), action, "已记录联系情况。")


@bp.post("/console/hotline/cases/<number>/notes")
@role_required("counselor")
def cases_note_add(number: str):
    """Append a note to the case (or, without JavaScript, insert a canned snippet into the note box)."""
    if request.form.get("insert"):
        return _insert_snippet(_case_or_404(number))

    def action(case, form):
        cases.add_note(case, current_user, form.body.data)
        session[NOTE_SAVED] = case.number  # the page then tells the browser to drop its local draft

    return _act(number, "note_form", NoteForm(), action, "记录已保存。")


def _insert_snippet(case: Case):
    """The case page again with the chosen snippet added to the typed text (nothing saved yet)."""
    form = NoteForm()
    snippet = snippets.get_snippet(request.form.get("snippet"))
    if snippet is not None:
        typed = (form.body.data or "").rstrip()
        form.body.data = f"{typed}\n{snippet.body}" if typed else snippet.body
    return _render_case(case, snippet_inserted=True, note_form=form)


@bp.route("/console/hotline/cases/<number>/notes/<int:note_id>/edit", methods=["GET", "POST"])
@role_required("counselor")
def cases_note_edit(number: str, note_id: int):
    """Edit a note: saves a new version and keeps the previous text."""
    case = _case_or_404(number)
    note = db.session.get(CaseNote, note_id)
    if note is None or note.case_id != case.id:
        abort(404)
    if not note.can_edit(current_user):
        raise CaseError(cases.NOT_AUTHOR, status=403)
    form = NoteForm(formdata=request.form if request.method == "POST" else None, body=note.body)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                cases.edit_note(note, current_user, form.body.data)
            except CaseError as exc:
                db.session.rollback()
                form.body.errors = [*form.body.errors, exc.message]
            else:
                flash("记录已修改，原来的内容保留为旧版本。", "success")
                return redirect(
                    url_for("hotline.cases_detail", number=case.number, _anchor="notes"), code=303
                )
        status = 422
    cases.log_access(current_user, case, "view_fragment")
    response = render("hotline/console/cases_note_edit.html", case=case, note=note, form=form, status=status)
    return no_store(response)


@bp.post("/console/hotline/cases/<number>/follow-ups")
@role_required("counselor")
def cases_follow_up_add(number: str):
    """Schedule a 回访 with a due date."""

    def action(case, form):
        cases.add_follow_up(case, current_user, form.due_on.parsed, form.purpose.data)

    return _act(number, "follow_form", FollowUpForm(), action, "回访已安排。")


@bp.post("/console/hotline/cases/<number>/follow-ups/<int:task_id>/done")
@role_required("counselor")
def cases_follow_up_done(number: str, task_id: int):
    """Mark a follow-up as done."""

    def action(case, form):
        task = db.session.get(FollowUp, task_id)
        if task is None or task.case_id != case.id:
            abort(404)
        cases.complete_follow_up(task, current_user)

    return _act(number, "empty_form", EmptyForm(), action, "回访已完成。")


@bp.post("/console/hotline/cases/<number>/no-show")
@role_required("counselor")
def cases_no_show(number: str):
    """Mark a booking as not attended: creates a reminder-call task (never a ban)."""

    def action(case, form):
        cases.mark_no_show(case, current_user)

    return _act(number, "empty_form", EmptyForm(), action, "已标记未到，并生成了提醒来电任务。")
