"""Where a staff member lands after signing in: their own work, not the console's list of tiles.

Endpoints are named as strings (no feature imports). A counselor lands on the hotline's 今日, an archivist
on the places console, an editor on the policies console; an admin, or anyone holding several roles, on
the console home. A local ``next`` parameter always wins (the callers check it first).
"""

from flask import url_for

ROLE_HOME = {
    "counselor": "hotline.console_today",
    "archivist": "places_console.list_places",
    "editor": "policies.console_list",
}


def landing_url(user) -> str:
    """The page ``user`` starts the day on."""
    roles = set(user.roles or ())
    work = [role for role in ROLE_HOME if role in roles]
    if "admin" in roles or len(work) != 1:
        return url_for("accounts.console")
    return url_for(ROLE_HOME[work[0]])
