"""Article revisions: every save keeps a numbered snapshot; two snapshots compare field by field.

Saves of pending changes to a live article are revisions too (``draft=True``), so the history shows
what was proposed as well as what went live.
"""

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.policies.models import SNAPSHOT_FIELDS, Article, ArticleRevision


def add_revision(
    article: Article, action: str, user, data: dict | None = None, draft: bool = False
) -> ArticleRevision:
    """Keep ``data`` (default: the article's live content) as its next numbered revision (``user`` may be None)."""
    number = (
        db.session.scalar(
            select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
        )
        or 0
    ) + 1
    revision = ArticleRevision(
        article=article,
        number=number,
        action=action,
        data=article.snapshot() if data is None else data,
        draft=draft,
        author_id=getattr(user, "id", None),
        author_name=getattr(user, "display_name", "") or "",
    )
    db.session.add(revision)
    return revision


@dataclass
class FieldDiff:
    """The difference in one field between two revisions: lines tagged equal/insert/delete."""

    name: str
    label: str
    lines: list[tuple[str, str]]


FIELD_LABELS = {
    "kind": "类型",
    "title": "标题",
    "summary": "摘要",
    "plain_language": "这对我意味着什么",
    "body": "正文",
    "topic": "主题分类",
    "doc_number": "文号",
    "issuer": "发文机关",
    "written_on": "成文日期",
    "published_on": "发布日期",
    "validity": "有效性",
    "replaced_by_id": "替代文件",
    "policy_id": "解读的文件",
    "venue": "七进场所",
    "source": "来源",
}


def diff_revisions(old: ArticleRevision, new: ArticleRevision) -> list[FieldDiff]:
    """Line diff per changed field between two revisions (plain text; the template escapes it)."""
    return diff_data(old.data, new.data)


def diff_draft(article: Article) -> list[FieldDiff]:
    """What the pending draft changes compared with the live version (empty without a draft)."""
    return diff_data(article.snapshot(), article.draft.data) if article.draft is not None else []


def latest_change(revisions: list[ArticleRevision]) -> tuple[int, int] | None:
    """(old, new) numbers of the newest revision whose content differs from the one before it.

    Status-only revisions (撤回发布, a repeated 发布) carry the same content as their predecessor, so a
    default comparison with them would say "两个版本的内容相同"; ``revisions`` is newest first.
    """
    if len(revisions) < 2:
        return None
    for new, old in zip(revisions, revisions[1:], strict=False):
        if diff_data(old.data, new.data):
            return old.number, new.number
    return revisions[1].number, revisions[0].number


CONTEXT_LINES = 2  # unchanged lines kept around a change; longer unchanged runs fold into one "skip" line


def _text(value) -> str:
    """A field as comparable text: line endings and surrounding blank space do not count as changes."""
    return "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def diff_data(old: dict, new: dict) -> list[FieldDiff]:
    """Line diff per changed field of two snapshots (line endings ignored, long unchanged runs folded)."""
    diffs = []
    for name in SNAPSHOT_FIELDS:
        before, after = _text(old.get(name)), _text(new.get(name))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            tag = line[:2]
            if tag == "? ":
                continue
            lines.append(({"  ": "equal", "- ": "delete", "+ ": "insert"}[tag], line[2:]))
        diffs.append(FieldDiff(name, FIELD_LABELS[name], _fold(lines)))
    return diffs


def _fold(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Replace the middle of each long run of equal lines by ("skip", "……未改动的 N 行……")."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        if lines[i][0] != "equal":
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j][0] == "equal":
            j += 1
        run = lines[i:j]
        head = CONTEXT_LINES if i > 0 else 0  # context after a change
        tail = CONTEXT_LINES if j < len(lines) else 0  # context before a change
        hidden = len(run) - head - tail
        if hidden > 1:
            out += run[:head] + [("skip", f"……未改动的 {hidden} 行……")] + run[len(run) - tail :]
        else:
            out += run
        i = j
    return out
