"""Counselor/admin console: weekly rules, closures, holidays and make-up workdays, settings."""

from app.hotline import bp
from app.web.access import role_required
from app.web.render import render


@bp.get("/console/hotline/schedule/")
@role_required("counselor", "admin")
def schedule_home():
    """Show the weekly rules, closures and settings."""
    return render("hotline/console/schedule.html")
