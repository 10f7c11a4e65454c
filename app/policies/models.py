"""Policies models: articles of four kinds, their saved revisions, and FAQ entries."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.web.time import as_utc, utcnow

KINDS = {
    "policy": "政策文件",
    "interpretation": "政策解读",
    "news": "活动动态",
    "initiative": "倡议",
}
TOPICS = ["彩礼治理", "婚事新办", "婚姻登记", "家庭建设", "移风易俗"]
VALIDITIES = ["现行有效", "已修订", "已废止"]
VENUES = ["机关", "企业", "农村", "社区", "学校", "家庭", "网络"]  # the 七进 outreach venues
# Government-site column types (the ColumnType meta tag) per kind.
COLUMN_TYPES = {
    "policy": "政策文件",
    "interpretation": "政策解读",
    "news": "工作动态",
    "initiative": "通知公告",
}
DEMO_SOURCE = "示例"

# Fields copied into every revision snapshot (and restored from it).
SNAPSHOT_FIELDS = (
    "kind",
    "title",
    "summary",
    "plain_language",
    "body",
    "topic",
    "doc_number",
    "issuer",
    "written_on",
    "published_on",
    "validity",
    "replaced_by_id",
    "policy_id",
    "venue",
    "source",
)


def is_due(publish_at: datetime | None, now: datetime | None = None) -> bool:
    """An item without a release time, or whose time has come."""
    return publish_at is None or as_utc(publish_at) <= (now or utcnow())


class ArticleLabels:
    """What an article's kind and validity say, for the model and the public page's plain copy
    (``queries.PublishedArticle``)."""

    __slots__ = ()
    kind: str
    validity: str | None

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def column_type(self) -> str:
        return COLUMN_TYPES.get(self.kind, "")

    @property
    def is_superseded(self) -> bool:
        return self.kind == "policy" and self.validity in ("已修订", "已废止")


class Article(ArticleLabels, db.Model):
    """A policy document, interpretation, news item or initiative."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_public", "published", "publish_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    plain_language: Mapped[str] = mapped_column(Text, default="")  # 这对我意味着什么
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    topic: Mapped[str] = mapped_column(String(20))
    published: Mapped[bool] = mapped_column(default=False)
    publish_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the search index was last told about this article; a scheduled item whose publish_at has
    # passed since then still needs indexing (see services.release_due_articles).
    search_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    doc_number: Mapped[str | None] = mapped_column(String(60), unique=True)  # 文号
    issuer: Mapped[str] = mapped_column(String(100), default="")  # 发文机关
    written_on: Mapped[date | None] = mapped_column(Date)  # 成文日期
    published_on: Mapped[date | None] = mapped_column(Date)  # 发布日期
    validity: Mapped[str | None] = mapped_column(String(10))  # policies only
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )  # interpretation -> its policy
    venue: Mapped[str | None] = mapped_column(String(10))  # news: 七进 venue
    source: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    replaced_by: Mapped["Article | None"] = relationship(
        remote_side=[id], foreign_keys=[replaced_by_id], lazy="joined"
    )
    policy: Mapped["Article | None"] = relationship(remote_side=[id], foreign_keys=[policy_id])
    revisions: Mapped[list["ArticleRevision"]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="ArticleRevision.number.desc()",
        passive_deletes=True,
    )
    draft: Mapped["ArticleDraft | None"] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )

    @classmethod
    def public_clause(cls, now: datetime | None = None):
        """SQL condition for "residents may see this": published and due (the query form of ``is_public``).

        ``now`` may be a bound parameter, for a statement built once and run with the time of each request.
        """
        now = utcnow() if now is None else now
        return and_(cls.published.is_(True), or_(cls.publish_at.is_(None), cls.publish_at <= now))

    def is_public(self, now: datetime | None = None) -> bool:
        """Published and due: the only state residents, search, the sitemap and the API may see."""
        return bool(self.published) and is_due(self.publish_at, now)

    def is_scheduled(self, now: datetime | None = None) -> bool:
        return (
            bool(self.published)
            and self.publish_at is not None
            and as_utc(self.publish_at) > (now or utcnow())
        )

    @property
    def state_label(self) -> str:
        if not self.published:
            return "草稿"
        if self.is_scheduled():
            return "定时发布"
        return "已发布"

    @property
    def slug_locked(self) -> bool:
        """Slugs never change once an article has been public: links must keep working."""
        return self.first_published_at is not None

    def publish(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        self.published = True
        self.publish_at = None
        if self.first_published_at is None:
            self.first_published_at = now
        if self.published_on is None:
            self.published_on = now.date()

    def schedule(self, when: datetime) -> None:
        self.published = True
        self.publish_at = when
        if self.first_published_at is None:
            # The slug is public from the moment the item can appear.
            self.first_published_at = when
        if self.published_on is None:
            self.published_on = when.date()

    def unpublish(self) -> None:
        self.published = False
        self.publish_at = None

    def snapshot(self) -> dict:
        """The editable content as JSON-safe values (dates as ISO strings)."""
        return jsonable_snapshot({name: getattr(self, name) for name in SNAPSHOT_FIELDS})

    def apply_snapshot(self, data: dict) -> None:
        for name, value in parse_snapshot(data).items():
            setattr(self, name, value)

    def can_publish_draft(self, user, second_editor_required: bool) -> bool:
        """Whether ``user`` may make the pending changes live (with the setting: not their last author)."""
        if self.draft is None:
            return False
        if not second_editor_required or self.draft.author_id is None:
            return True
        return self.draft.author_id != getattr(user, "id", None)


def jsonable_snapshot(data: dict) -> dict:
    """Snapshot fields of ``data`` as JSON-safe values (dates as ISO strings)."""
    out = {}
    for name in SNAPSHOT_FIELDS:
        value = data.get(name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def parse_snapshot(data: dict) -> dict:
    """The snapshot fields present in ``data`` with ISO date strings turned back into dates."""
    out = {}
    for name in SNAPSHOT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("written_on", "published_on") and isinstance(value, str) and value:
            value = date.fromisoformat(value)
        out[name] = value
    return out


class ArticleRevision(db.Model):
    """One saved version of an article (every save makes one; restoring makes one too)."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))  # 保存草稿 / 发布 / 定时发布 / 撤回发布 / 恢复第 N 版
    data: Mapped[dict] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # True for a pending change to a live article (saved or restored, not yet published).
    draft: Mapped[bool] = mapped_column(default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="revisions")


class ArticleDraft(db.Model):
    """Pending changes to a live article: the public page keeps the live version until 发布修改.

    At most one per article. ``publish_at`` schedules the change (the release job applies it);
    ``author_id`` is the last editor, who may not approve it alone when the second-editor setting is on.
    """

    __tablename__ = "article_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict] = mapped_column(JSON)
    publish_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    article: Mapped[Article] = relationship(back_populates="draft")

    def content(self) -> dict:
        """The pending field values (dates parsed), e.g. to fill the edit form."""
        return parse_snapshot(self.data)


class Faq(db.Model):
    """A frequently asked question, grouped by topic and ordered by position."""

    __tablename__ = "faqs"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)  # Markdown
    topic: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
