"""Revisions of an entry: the diff between two snapshots, the default comparison of a history page, the
pending changes of a published entry against its live version, and restoring an older revision (a new
revision for an entry that is not public; pending changes awaiting review for a published one)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from app.extensions import db
from app.places.drafts import content_of
from app.places.errors import PlaceError
from app.places.models import PlaceName, PlaceRevision
from app.places.rules import FIELD_LABELS, STATUS_LABELS
from app.places.services import save_place
from app.web.time import cn_datetime


def get_revision(place: PlaceName, revision_id: int) -> PlaceRevision | None:
    """The revision ``revision_id`` of ``place`` (None if it belongs to another entry)."""
    revision = db.session.get(PlaceRevision, revision_id)
    return revision if revision is not None and revision.place_id == place.id else None


def restore_revision(place: PlaceName, revision: PlaceRevision, user) -> PlaceName:
    """Copy an older revision's content back onto the entry (status unchanged): as a new revision, or,
    for a published entry, as pending changes that go live only after review."""
    if revision.place_id != place.id:
        raise PlaceError("这个版本不属于该条目。")
    data = dict(revision.snapshot)
    when = cn_datetime(revision.created_at)  # China time, as the history page shows it
    return save_place(data, user, place, note=f"恢复到 {when} 的版本（#{revision.id}）")


def pending_changes(place: PlaceName) -> list[FieldChange]:
    """What the pending changes of a published entry change against its live version."""
    if place.draft is None:
        return []
    return diff_revisions(content_of(place.snapshot()), content_of(place.draft.snapshot))


def default_comparison(history: list[PlaceRevision], revision: PlaceRevision) -> PlaceRevision | None:
    """The revision to compare ``revision`` with when none is chosen (``history`` newest first).

    Normally the one before it. When that one has the same content (a status-only step such as 提交审核,
    退回修改, 归档), the newest older revision whose content differs, so the page shows the latest
    content change rather than "两个版本的内容相同".
    """
    index = history.index(revision)
    older = history[index + 1 :]
    if not older:
        return None
    mine = content_of(revision.snapshot)
    if content_of(older[0].snapshot) != mine:
        return older[0]
    for candidate in older[1:]:
        if content_of(candidate.snapshot) != mine:
            return candidate
    return older[0]


@dataclass
class FieldChange:
    """One changed field between two snapshots; ``chunks`` are (op, text) with op in equal/insert/delete."""

    field: str
    label: str
    before: str
    after: str
    chunks: list[tuple[str, str]]


def _as_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "aliases":
        return "\n".join(f"{a.get('kind', '')}：{a.get('name', '')}" for a in value)
    if key == "sources":
        return "\n".join(
            " | ".join(x for x in (s.get("citation"), s.get("url"), s.get("note")) if x) for s in value
        )
    if key == "status":
        return STATUS_LABELS.get(value, value)
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _chunks(before: str, after: str) -> list[tuple[str, str]]:
    if len(before) + len(after) > 6000:
        a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    else:
        a, b = list(before), list(after)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("insert", "".join(b[j1:j2])))
    return out


def diff_revisions(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ between two snapshots, in form order, with character-level chunks."""
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = _as_text(key, old.get(key)), _as_text(key, new.get(key))
        if key == "pinyin" or before == after:
            continue
        changes.append(FieldChange(key, label, before, after, _chunks(before, after)))
    return changes
