"""Search integration: approving makes an entry findable; editing re-indexes it; archiving removes it."""

import threading

from app.places import services
from app.search import search


def _codes(q):
    return [hit.id for hit in search(q, kinds=["place"]).hits]


def _titles(q):
    return [
        str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in search(q, kinds=["place"]).hits
    ]


def _codes_in_new_thread(app, q, find=_codes):
    """Search from another thread (a fresh per-thread whoosh searcher), as another worker would."""
    out = {}

    def run():
        with app.app_context():
            out["codes"] = find(q)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out["codes"]


def test_publish_edit_archive_follow_the_index(app, make_user, place_data, make_place, publish):
    """A draft is not findable; approved it is; an edit is pending (the index keeps the live name) until a
    second archivist approves it, then it is re-indexed; archived it is gone."""
    author, reviewer = make_user(roles=("archivist",)), make_user(roles=("archivist",))
    place = make_place(author, name="鹅庄烈士纪念亭", code="ZQ-9101")
    assert "ZQ-9101" not in _codes_in_new_thread(app, "鹅庄烈士")
    publish(place, author, reviewer)
    assert "ZQ-9101" in _codes_in_new_thread(app, "鹅庄烈士")
    services.save_place(place_data(code="ZQ-9101", name="鹅庄英烈亭"), author, place)
    assert _codes_in_new_thread(app, "鹅庄", _titles) == ["鹅庄烈士纪念亭"]  # the live version only
    services.submit_for_review(place, author)
    assert _codes_in_new_thread(app, "鹅庄", _titles) == ["鹅庄烈士纪念亭"]
    services.approve(place, reviewer)
    assert _codes_in_new_thread(app, "鹅庄", _titles) == ["鹅庄英烈亭"]
    assert "ZQ-9101" in _codes_in_new_thread(app, "英烈亭")
    assert "ZQ-9101" not in _codes_in_new_thread(app, "纪念亭")
    services.archive(place, reviewer)
    assert "ZQ-9101" not in _codes_in_new_thread(app, "鹅庄")


def test_archive_is_gone_for_a_thread_that_searched_before(app, make_user, make_place, publish):
    """A thread that already searched no longer finds an entry after it is archived."""
    author, reviewer = make_user(roles=("archivist",)), make_user(roles=("archivist",))
    place = publish(make_place(author, name="鹅庄烈士纪念亭", code="ZQ-9101"), author, reviewer)
    assert "ZQ-9101" in _codes("鹅庄")
    services.archive(place, reviewer)
    assert "ZQ-9101" not in _codes("鹅庄")
