"""Article revisions: every save keeps a numbered snapshot; two snapshots compare field by field."""

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.policies.models import SNAPSHOT_FIELDS, Article, ArticleRevision


def add_revision(article: Article, action: str, user) -> ArticleRevision:
    """Keep the article's current content as its next numbered revision (``user`` may be None)."""
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
        data=article.snapshot(),
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
    """Line diff per changed field (plain text; the template escapes it)."""
    diffs = []
    for name in SNAPSHOT_FIELDS:
        before = "" if old.data.get(name) is None else str(old.data.get(name))
        after = "" if new.data.get(name) is None else str(new.data.get(name))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            tag = line[:2]
            if tag == "? ":
                continue
            lines.append(({"  ": "equal", "- ": "delete", "+ ": "insert"}[tag], line[2:]))
        diffs.append(FieldDiff(name, FIELD_LABELS[name], lines))
    return diffs
