"""Admin console: the status of the scheduled jobs."""

from app.ops.blueprint import bp
from app.ops.jobs import all_status
from app.ops.models import RESULTS
from app.web.access import login_required, role_required
from app.web.render import render


@bp.get("/console/ops/jobs")
@login_required
@role_required("admin")
def jobs_status():
    """Show each scheduled job's last run, last success, next due time, and whether it missed its schedule."""
    return render("ops/jobs.html", statuses=all_status(), results=RESULTS)
