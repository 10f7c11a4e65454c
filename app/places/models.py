"""Places (红色地名) tables: place names, pending changes, aliases, sources, photos, revisions; the reference
lists (categories, eras, protection levels, 镇街, themes) live in ``reference_models`` and are re-exported here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.places.errors import PlaceStateError
from app.places.reference_models import Category, Era, ProtectionLevel, Theme, Town, place_themes
from app.places.rules import ALIAS_KINDS, STATUS_LABELS
from app.web.time import utcnow

# --- the archive entries ------------------------------------------------------------------------


class PlaceName(db.Model):
    """A red place name (地名条目) and its review workflow."""

    __tablename__ = "place_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # ZQ-0001
    name: Mapped[str] = mapped_column(String(100), index=True)
    pinyin: Mapped[str] = mapped_column(String(300), default="")  # with tone marks: Míngshuǐ
    pinyin_plain: Mapped[str] = mapped_column(String(300), default="")  # "mingshui", used for name order
    category_id: Mapped[int] = mapped_column(ForeignKey("place_categories.id"), index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    village: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    era_id: Mapped[int | None] = mapped_column(ForeignKey("place_eras.id"), index=True)
    origin: Mapped[str] = mapped_column(Text, default="")  # 来历
    history: Mapped[str] = mapped_column(Text, default="")  # 沿革
    story: Mapped[str] = mapped_column(Text, default="")  # 红色故事
    persons: Mapped[list[str]] = mapped_column(JSON, default=list)  # 相关人物
    events: Mapped[list[str]] = mapped_column(JSON, default=list)  # 相关事件
    protection_level_id: Mapped[int | None] = mapped_column(ForeignKey("place_protection_levels.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    category: Mapped[Category] = relationship(lazy="joined")
    town: Mapped[Town | None] = relationship(lazy="joined")
    era: Mapped[Era | None] = relationship(lazy="joined")
    protection_level: Mapped[ProtectionLevel | None] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    aliases: Mapped[list[PlaceAlias]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PlaceAlias.position, PlaceAlias.id"
    )
    sources: Mapped[list[Source]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="Source.position, Source.id"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="Photo.position, Photo.id"
    )
    themes: Mapped[list[Theme]] = relationship(secondary=place_themes, order_by=Theme.position)
    revisions: Mapped[list[PlaceRevision]] = relationship(
        back_populates="place",
        cascade="all, delete-orphan",
        order_by="PlaceRevision.created_at.desc(), PlaceRevision.id.desc()",
        passive_deletes=True,
    )
    draft: Mapped[PlaceDraft | None] = relationship(
        back_populates="place", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )

    def __repr__(self) -> str:
        return f"<PlaceName {self.code} {self.name} {self.status}>"

    # -- predicates --------------------------------------------------------------------------------
    @property
    def is_public(self) -> bool:
        return self.status == "published"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def aliases_by_kind(self) -> dict[str, list[str]]:
        """Aliases grouped by kind, in the fixed order 曾用名, 俗称, 简称 (empty kinds left out)."""
        groups: dict[str, list[str]] = {}
        for kind in ALIAS_KINDS:
            names = [a.name for a in self.aliases if a.kind == kind]
            if names:
                groups[kind] = names
        return groups

    @property
    def has_pending_changes(self) -> bool:
        """True when a published entry has a draft of changes that is not live yet (有未发布的修改)."""
        return self.draft is not None

    @property
    def in_review(self) -> bool:
        """The entry, or its pending changes, wait for a reviewer."""
        return self.status == "in_review" or (self.draft is not None and self.draft.state == "in_review")

    def can_edit(self, user) -> bool:
        """Archivists and admins edit entries; entries (or pending changes) in review are frozen."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.has_any_role("archivist", "admin") and not self.in_review

    def can_review(self, user) -> bool:
        """A different archivist than the author, or an admin, may approve or return an entry."""
        if user is None or not getattr(user, "is_authenticated", False) or self.status != "in_review":
            return False
        if user.has_role("admin"):
            return True
        return user.has_role("archivist") and user.id != self.author_id

    # -- state transitions -------------------------------------------------------------------------
    def submit(self) -> None:
        """draft → in_review."""
        if self.status != "draft":
            raise PlaceStateError("只有草稿可以提交审核。")
        self.status = "in_review"
        self.review_comment = ""

    def approve(self, reviewer: User, comment: str = "") -> None:
        """in_review → published, recording who reviewed it and when."""
        if self.status != "in_review":
            raise PlaceStateError("只有待审核的条目可以通过审核。")
        now = utcnow()
        self.status = "published"
        self.reviewer = reviewer
        self.reviewed_at = now
        self.review_comment = comment
        self.published_at = self.published_at or now

    def send_back(self, reviewer: User, comment: str) -> None:
        """in_review → draft with the reviewer's comment (退回修改)."""
        if self.status != "in_review":
            raise PlaceStateError("只有待审核的条目可以退回。")
        if not comment.strip():
            raise PlaceStateError("退回时请填写审核意见。")
        self.status = "draft"
        self.reviewer = reviewer
        self.reviewed_at = utcnow()
        self.review_comment = comment.strip()

    def archive(self) -> None:
        """Any state except archived → archived (hidden from the public)."""
        if self.status == "archived":
            raise PlaceStateError("该条目已归档。")
        self.status = "archived"

    def reopen(self) -> None:
        """archived or published → draft, so it can be edited and reviewed again."""
        if self.status not in {"archived", "published"}:
            raise PlaceStateError("只有已发布或已归档的条目可以重新编辑。")
        self.status = "draft"

    def publish_directly(self) -> None:
        """Mark as published without review (imports with --publish, demo data)."""
        self.status = "published"
        self.published_at = self.published_at or utcnow()

    # -- revisions ---------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Every editable field as plain JSON (names for reference values), for PlaceRevision."""
        return {
            "code": self.code,
            "name": self.name,
            "pinyin": self.pinyin,
            "pinyin_plain": self.pinyin_plain,
            "category": self.category.name if self.category else None,
            "town": self.town.name if self.town else None,
            "village": self.village or "",
            "address": self.address or "",
            "longitude": self.longitude,
            "latitude": self.latitude,
            "era": self.era.name if self.era else None,
            "origin": self.origin or "",
            "history": self.history or "",
            "story": self.story or "",
            "persons": list(self.persons or []),
            "events": list(self.events or []),
            "protection_level": self.protection_level.name if self.protection_level else None,
            "aliases": [{"name": a.name, "kind": a.kind} for a in self.aliases],
            "sources": [{"citation": s.citation, "url": s.url, "note": s.note} for s in self.sources],
            "themes": [t.name for t in self.themes],
            "status": self.status,
        }


class PlaceDraft(db.Model):
    """Pending changes to a published entry (Wagtail/Omeka S style): a snapshot-shaped copy of the
    entry that archivists edit, submit and a second archivist or an admin approves, while the live
    columns of the PlaceName stay what the public sees. One per entry; deleted when published or
    discarded. Photos are not part of it (they are not in ``PlaceName.snapshot()``)."""

    __tablename__ = "place_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place_names.id", ondelete="CASCADE"), unique=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="editing")  # editing | in_review
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    editor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # everyone who saved this draft
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    place: Mapped[PlaceName] = relationship(back_populates="draft")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    STATE_LABELS = {"editing": "修改中", "in_review": "修改待审核"}

    @property
    def state_label(self) -> str:
        return self.STATE_LABELS.get(self.state, self.state)

    def touched_by(self, user) -> bool:
        """True when ``user`` saved or submitted these changes (so may not approve them)."""
        uid = getattr(user, "id", None)
        return uid is not None and (uid in (self.editor_ids or []) or uid == self.submitted_by_id)

    def can_review(self, user) -> bool:
        """An admin, or an archivist who neither wrote nor submitted the changes, reviews them."""
        if user is None or not getattr(user, "is_authenticated", False) or self.state != "in_review":
            return False
        if user.has_role("admin"):
            return True
        return user.has_role("archivist") and not self.touched_by(user)

    def submit(self, user) -> None:
        """editing → in_review."""
        if self.state != "editing":
            raise PlaceStateError("这些修改已经提交审核。")
        self.state = "in_review"
        self.submitted_by = user
        self.submitted_at = utcnow()
        self.review_comment = ""

    def send_back(self, reviewer: User, comment: str) -> None:
        """in_review → editing with the reviewer's comment (退回修改)."""
        if self.state != "in_review":
            raise PlaceStateError("只有待审核的修改可以退回。")
        if not comment.strip():
            raise PlaceStateError("退回时请填写审核意见。")
        self.state = "editing"
        self.reviewer = reviewer
        self.reviewed_at = utcnow()
        self.review_comment = comment.strip()


class PlaceAlias(db.Model):
    """Another name of a place: 曾用名, 俗称 or 简称."""

    __tablename__ = "place_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place_names.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="曾用名")
    position: Mapped[int] = mapped_column(default=0)

    place: Mapped[PlaceName] = relationship(back_populates="aliases")


class Source(db.Model):
    """A source (出处) backing an entry: citation, optional URL and note."""

    __tablename__ = "place_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place_names.id", ondelete="CASCADE"), index=True)
    citation: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    place: Mapped[PlaceName] = relationship(back_populates="sources")


class Photo(db.Model):
    """A re-encoded photo stored under a random name in UPLOAD_DIR/places/, plus its thumbnail."""

    __tablename__ = "place_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place_names.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(100), unique=True)  # e.g. "3f2a….jpg"
    thumb_filename: Mapped[str] = mapped_column(String(100))  # e.g. "3f2a…_t.jpg"
    caption: Mapped[str] = mapped_column(String(200), default="")
    credit: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    thumb_width: Mapped[int] = mapped_column(default=0)
    thumb_height: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    place: Mapped[PlaceName] = relationship(back_populates="photos")


class PlaceRevision(db.Model):
    """A JSON snapshot of an entry taken at every save (history, diff, restore)."""

    __tablename__ = "place_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place_names.id", ondelete="CASCADE"), index=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")

    place: Mapped[PlaceName] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()
