"""Demo loader 31-hotline-cases: a month of varied past cases plus today's work, loaded once."""

from sqlalchemy import func, select

from app.extensions import db
from app.hotline.cases import demo as cases_demo
from app.hotline.cases import queries
from app.hotline.cases.models import Case
from app.hotline.cases.stats import compute_stats, default_period


def test_demo_cases_cover_the_charts_and_today(app, make_user):
    """The demo fills every status and outcome, several towns and topics, Today, and is idempotent."""
    make_user(roles=("counselor",), username="counselor")
    cases_demo.load()
    count = db.session.scalar(select(func.count()).select_from(Case))
    assert count >= 50
    statuses = set(db.session.scalars(select(Case.status)))
    assert {"已结案", "已转介", "跟进中"} <= statuses
    stats = compute_stats(*default_period())
    outcomes = dict(next(s for s in stats.series if s.key == "outcome").items)
    assert all(outcomes[o] > 0 for o in ("调解成功", "部分成功", "未成功", "转介"))
    towns = dict(next(s for s in stats.series if s.key == "town").items)
    assert len(towns) >= 6
    today = queries.today_overview()
    assert today.urgent and today.agenda
    cases_demo.load()
    assert db.session.scalar(select(func.count()).select_from(Case)) == count
