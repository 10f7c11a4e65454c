"""Places reference tables (seeded by migration 0004, editable by admins; matched by name on import):
categories, eras, protection levels, the 18 镇街, themes (专题), and the place–theme link table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Float, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.web.time import utcnow

REFERENCE = {"info": {"reference": True}}

# --- reference lists (seeded by migration 0004, editable by admins) --------------------------------


class Category(db.Model):
    """地名类别 with a GB/T 18521-style classification code."""

    __tablename__ = "place_categories"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.name


class Era(db.Model):
    """历史时期 of a place's red history."""

    __tablename__ = "place_eras"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.name


class ProtectionLevel(db.Model):
    """文物保护级别."""

    __tablename__ = "place_protection_levels"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.name


class Town(db.Model):
    """One of Zhangqiu's 18 镇街, with its short name and approximate centre (WGS-84)."""

    __tablename__ = "towns"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    short_name: Mapped[str] = mapped_column(String(20), unique=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.name


class Theme(db.Model):
    """专题 (themed collection), created by archivists; four are seeded by the migration."""

    __tablename__ = "themes"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return self.name


place_themes = Table(
    "place_themes",
    db.metadata,
    Column("place_id", ForeignKey("place_names.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)
