"""Several hosts, each with its own index directory, stay in step through the search_outbox table."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.search import outbox, register_provider, schedule, search
from app.search.engine import rebuild, state
from app.search.models import SearchOutboxEntry, last_seq
from app.web.time import utcnow


@pytest.fixture
def host_b(app_config, provider, tmp_path):
    """A second app on the same database with its own index directory (another web host)."""
    other = create_app(
        {**app_config, "SEARCH_INDEX_DIR": str(tmp_path / "host-b"), "SEARCH_OUTBOX_INTERVAL": 0}
    )
    state(other).providers.clear()
    for kind in ("place", "article", "faq"):
        register_provider(other, kind, provider.loader(kind))
    with other.app_context():
        rebuild(other)
    return other


def _ids_on(host, q):
    with host.app_context():
        return [h.id for h in search(q).hits]


def test_a_change_through_host_a_is_findable_through_host_b(app, host_b, provider, place_doc):
    """Publish, then unpublish, through A: B follows from the outbox, and reports no lag afterwards."""
    provider.add(place_doc("ZQ-0500", "高官寨红色驿站"))
    schedule("place", "ZQ-0500")
    db.session.commit()
    assert [h.id for h in search("红色驿站").hits] == ["ZQ-0500"]  # host A wrote it after commit
    assert _ids_on(host_b, "红色驿站") == ["ZQ-0500"]
    with host_b.app_context():
        assert outbox.lag(host_b)["lag"] == 0
    provider.remove("place", "ZQ-0500")
    schedule("place", "ZQ-0500")
    db.session.commit()
    assert _ids_on(host_b, "红色驿站") == []


def test_a_rolled_back_change_leaves_no_outbox_entry(app, provider, place_doc):
    """The outbox row belongs to the transaction: a rollback takes it away with the change."""
    before = last_seq()
    schedule("place", "ZQ-0501")
    db.session.rollback()
    assert last_seq() == before


def test_a_host_too_far_behind_rebuilds(app, host_b, provider, place_doc, monkeypatch):
    """More entries behind than MAX_BEHIND: B rebuilds its index instead of replaying them one by one."""
    monkeypatch.setattr(outbox, "MAX_BEHIND", 1)
    provider.add(place_doc("ZQ-0600", "文祖红色学校"), place_doc("ZQ-0601", "文祖红色渡口"))
    schedule("place", "ZQ-0600")
    schedule("place", "ZQ-0601")
    db.session.commit()
    with host_b.app_context():
        before = state(host_b).store.generation()
        assert sorted(h.id for h in search("文祖红色").hits) == ["ZQ-0600", "ZQ-0601"]
        assert state(host_b).store.generation() != before
        assert outbox.lag(host_b)["lag"] == 0


def test_check_reports_the_lag(app, runner, corpus):
    """`flask search check` prints this host's outbox position."""
    output = runner.invoke(args=["search", "check"]).output
    assert "落后 0 条" in output


def test_a_hosts_own_changes_leave_no_lag(app, provider, place_doc):
    """Changes committed through this host are indexed after commit: its position moves past them too."""
    provider.add(place_doc("ZQ-0700", "明水红色书屋"), place_doc("ZQ-0701", "明水红色茶社"))
    schedule("place", "ZQ-0700")
    db.session.commit()
    rebuild(app)  # the position is now the newest entry (the tests empty the outbox, not its sequence)
    schedule("place", "ZQ-0700")
    db.session.commit()
    schedule("place", "ZQ-0701")
    db.session.commit()
    assert outbox.lag(app) == {"outbox_seq": last_seq(), "applied_seq": last_seq(), "lag": 0}


def test_pruned_entries_leave_a_host_behind_the_horizon_to_rebuild(
    app, runner, host_b, provider, place_doc, monkeypatch
):
    """The outbox job deletes entries past retention; B, whose position is older than the oldest kept
    entry, cannot catch up from the rows and rebuilds instead: it finds the change and ends with lag 0."""
    monkeypatch.setattr(outbox, "MAX_BEHIND", 2)
    provider.add(*(place_doc(f"ZQ-08{n:02d}", f"相公庄红色旧址{n}") for n in range(4)))
    for n in range(4):
        schedule("place", f"ZQ-08{n:02d}")
        db.session.commit()
    newest = last_seq()
    assert outbox.prune(app) == 0  # every entry is younger than SEARCH_OUTBOX_KEEP_DAYS
    assert outbox.prune(app, now=utcnow() + timedelta(days=8)) == 2  # older, and not among the last 2
    assert db.session.scalar(select(func.min(SearchOutboxEntry.seq))) == newest - 1
    app.config["SEARCH_OUTBOX_KEEP_DAYS"] = -1  # everything is past retention now: the job keeps the last 2
    assert runner.invoke(args=["jobs", "run", "outbox"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(SearchOutboxEntry)) == 2
    with host_b.app_context():
        before = state(host_b).store.generation()
        assert sorted(h.id for h in search("相公庄红色旧址").hits) == [f"ZQ-08{n:02d}" for n in range(4)]
        assert state(host_b).store.generation() != before
        assert outbox.lag(host_b)["lag"] == 0
