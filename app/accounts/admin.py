"""User administration for admins (``/console/users/``)."""

from sqlalchemy import select

from app.accounts import bp
from app.accounts.models import User
from app.extensions import db
from app.web.access import role_required
from app.web.render import render


@bp.get("/console/users/")
@role_required("admin")
def list_users():
    """List staff users with their roles and state."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return render("accounts/users.html", users=users)
