"""Statistics (counselors and admins) and the access log (admins) of the counselor console.

Statistics are anonymous (counts of 1–4 shown as "<5"); the CSV export is recorded in the access log.
"""

from __future__ import annotations

from datetime import date

from flask import Response, request, url_for
from flask_login import current_user

from app.hotline.blueprint import bp
from app.hotline.cases import queries
from app.hotline.cases import services as cases
from app.hotline.cases.charts import chart_for
from app.hotline.cases.models import AccessLog
from app.hotline.cases.routes import no_store
from app.hotline.cases.stats import (
    add_months,
    compute_stats,
    default_period,
    month_choices,
    shown,
    stats_csv,
)
from app.web.access import role_required
from app.web.render import render


def _period_from_args() -> tuple[date, date, str, str]:
    """(start, end-exclusive, from-month, to-month) from ?from=YYYY-MM&to=YYYY-MM (default: 6 months)."""
    start, end = default_period()

    def month(name: str) -> date | None:
        try:
            return date.fromisoformat(request.args.get(name, "").strip() + "-01")
        except ValueError:
            return None

    chosen_start, chosen_to = month("from"), month("to")
    if chosen_start and chosen_to and chosen_start <= chosen_to and add_months(chosen_start, 60) > chosen_to:
        start, end = chosen_start, add_months(chosen_to, 1)
    last = add_months(end, -1)
    return start, end, f"{start:%Y-%m}", f"{last:%Y-%m}"


@bp.get("/console/hotline/stats")
@role_required("counselor", "admin")
def stats():
    """Anonymous statistics with SVG charts; counts below 5 shown as "<5"."""
    start, end, from_month, to_month = _period_from_args()
    result = compute_stats(start, end)
    charts = [(series, chart_for(series)) for series in result.series]
    return render(
        "hotline/console/stats.html",
        "hotline/console/_stats_body.html",
        stats=result,
        charts=charts,
        shown=shown,
        from_month=from_month,
        to_month=to_month,
        months=month_choices((from_month, to_month)),
    )


@bp.get("/console/hotline/stats.csv")
@role_required("counselor", "admin")
def stats_export():
    """Download the statistics as CSV (small counts suppressed, formulas neutralised)."""
    start, end, from_month, to_month = _period_from_args()
    body = stats_csv(compute_stats(start, end))
    cases.log_access(current_user, None, "export")
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="hotline-stats-{from_month}-{to_month}.csv"'
    )
    return no_store(response)


@bp.get("/console/hotline/access-log")
@role_required("admin")
def access_log():
    """Admins review who read which case's personal data, and when."""
    case_number = request.args.get("case", "")[:12]
    result = queries.access_log_page(request.args.get("page", 1, type=int) or 1, case_number)
    return render(
        "hotline/console/access_log.html",
        result=result,
        case_number=case_number,
        actions=AccessLog.ACTIONS,
        page_url=lambda page: url_for("hotline.access_log", page=page, case=case_number or None),
    )
