"""Counselor console lists: 今日 (polled every 60 s: new urgent cases first, marked and announced) and the
case list (saved views, filters, search by number, reference, nickname or description words, by phone).

Every list view is recorded in the access log (one row per case shown).
"""

from __future__ import annotations

from datetime import date

from flask import request, session, url_for
from flask_login import current_user

from app.extensions import db
from app.hotline.blueprint import bp
from app.hotline.booking.models import TOPICS
from app.hotline.cases import queries
from app.hotline.cases import services as cases
from app.hotline.cases.forms import PhoneSearchForm
from app.hotline.cases.models import PRIORITIES, STATUSES, AccessLog, CaseError
from app.hotline.cases.routes import no_store
from app.web.access import role_required
from app.web.render import render, wants_fragment
from app.web.time import utcnow


def _log_list_view(view: str, shown) -> None:
    """Access-log a list view (issue 15): one row per case whose nickname and masked phone were shown.

    ``view`` is ``list_today`` or ``list_cases``; the rows share one timestamp, so who, which view, how
    many cases and when can be read back. A view showing no case still leaves one row without a case.
    """
    now = utcnow()
    case_ids = list(dict.fromkeys(case.id for case in shown)) or [None]
    db.session.add_all(AccessLog(user_id=current_user.id, case_id=i, action=view, at=now) for i in case_ids)
    db.session.commit()


TODAY_SHOWN, TODAY_URGENT, TODAY_FRESH = "today_shown", "today_urgent", "today_fresh"


@bp.get("/console/hotline/")
@role_required("counselor")
def console_today():
    """Today: urgent open cases first, then the day's bookings and calls in time order, follow-ups due.

    The page polls its list (htmx, every 60 s while the tab is visible): urgent cases that appeared since
    the last look come first, highlighted and announced, until the next full load. The session remembers
    what this browser was shown (case ids only), so a poll logs only cases it shows for the first time.
    """
    mine = request.args.get("mine") == "1"
    view = queries.today_overview(assignee=current_user if mine else None)
    shown = [*view.urgent, *view.agenda, *(task.case for task in view.follow_ups)]
    poll = wants_fragment()
    urgent_ids = [case.id for case in view.urgent]
    new_urgent: list[int] = []
    fresh: set[int] = set()
    if poll:
        known_urgent = set(session.get(TODAY_URGENT) or ())
        new_urgent = [i for i in urgent_ids if i not in known_urgent]
        fresh = (set(session.get(TODAY_FRESH) or ()) & set(urgent_ids)) | set(new_urgent)
        view.urgent.sort(key=lambda case: case.id not in fresh)  # stable: new ones first, then by time
        logged = set(session.get(TODAY_SHOWN) or ())
        unseen = [case for case in shown if case.id not in logged]
        if unseen:
            _log_list_view("list_today", unseen)
    else:
        _log_list_view("list_today", shown)
    session[TODAY_SHOWN] = sorted(
        {case.id for case in shown} | (set(session.get(TODAY_SHOWN) or ()) if poll else set())
    )
    session[TODAY_URGENT] = urgent_ids
    session[TODAY_FRESH] = sorted(fresh)
    response = render(
        "hotline/console/today.html",
        "hotline/console/_today_list.html",
        view=view,
        mine=mine,
        fresh=fresh,
        new_urgent=len(new_urgent),
        refreshed_at=utcnow(),
    )
    return no_store(response)


def _filters_from_args() -> queries.CaseFilters:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.args.get(name, "").strip())
        except ValueError:
            return None

    return queries.CaseFilters(
        q=request.args.get("q", "")[:40],
        view=request.args.get("view", ""),
        status=request.args.get("status", ""),
        assignee=request.args.get("assignee", ""),
        topic=request.args.get("topic", ""),
        priority=request.args.get("priority", ""),
        date_from=day("from"),
        date_to=day("to"),
        page=request.args.get("page", 1, type=int) or 1,
    )


def _render_list(filters, result, phone_form=None, status: int = 200, phone_search: bool = False):
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render(
        "hotline/console/cases_list.html",
        "hotline/console/_cases_results.html",
        status=status,
        filters=filters,
        result=result,
        phone_form=phone_form or PhoneSearchForm(formdata=None),
        phone_search=phone_search,
        page_url=lambda page: url_for("hotline.cases_list", page=page, **args),
        statuses=STATUSES,
        topics=TOPICS,
        priorities=PRIORITIES,
        counselors=queries.counselors(),
        saved_views=queries.SAVED_VIEWS,
        view_counts={} if wants_fragment() else queries.saved_view_counts(current_user),
    )


@bp.get("/console/hotline/cases/")
@role_required("counselor")
def cases_list():
    """The case list: saved views (?view=mine|overdue|urgent|today), filters, and search by case number,
    booking reference, nickname or words of the description (decrypted in memory, never logged)."""
    filters = _filters_from_args()
    result = queries.list_cases(filters, current_user)
    _log_list_view("list_cases", result.items)
    return _render_list(filters, result)


@bp.post("/console/hotline/cases/by-phone")
@role_required("counselor")
def cases_by_phone():
    """Find a resident's cases by phone number (POST: the number stays out of URLs and server logs)."""
    form = PhoneSearchForm()
    filters = queries.CaseFilters()
    if form.validate_on_submit():
        try:
            result = queries.find_cases_by_phone(form.phone.data)
        except CaseError as exc:
            form.phone.errors = [*form.phone.errors, exc.message]
        else:
            cases.log_access(current_user, None, "search_phone")
            return no_store(_render_list(filters, result, form, phone_search=True))
    empty = queries.CasePage(items=[], total=0, page=1, pages=1)
    return no_store(_render_list(filters, empty, form, status=422, phone_search=True))
