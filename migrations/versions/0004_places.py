"""places: the 红色地名 archive tables, with the reference lists seeded.

Revision ID: 0004_places
Revises: 0003_hotline

Reference tables (categories, eras, protection levels, towns, themes) carry ``info={"reference": True}``
so the test cleanup keeps their seed rows. Town centres are approximate WGS-84 coordinates of each
镇街's seat; they are used for "sort by distance" when a visitor picks a 镇街 instead of sharing location.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_places"
down_revision = "0003_hotline"
branch_labels = None
depends_on = None

# (name, GB/T 18521-style code)
CATEGORIES = [
    ("革命遗址", "2601"),
    ("纪念设施", "2602"),
    ("烈士陵园", "2603"),
    ("红色村庄", "2604"),
    ("战斗遗址", "2605"),
    ("名人故居", "2606"),
    ("红色道路与学校", "2607"),
    ("其他", "2699"),
]
ERAS = ["建党初期", "土地革命战争时期", "抗日战争时期", "解放战争时期", "社会主义建设时期", "其他"]
PROTECTION_LEVELS = [
    "全国重点文物保护单位",
    "省级文物保护单位",
    "市级文物保护单位",
    "区级文物保护单位",
    "未定级",
]
# (name, short name, latitude, longitude): approximate seat of each 镇街
TOWNS = [
    ("明水街道", "明水", 36.7237, 117.5360),
    ("双山街道", "双山", 36.7080, 117.5680),
    ("枣园街道", "枣园", 36.7700, 117.4950),
    ("龙山街道", "龙山", 36.7390, 117.3560),
    ("埠村街道", "埠村", 36.6430, 117.4620),
    ("圣井街道", "圣井", 36.6880, 117.4690),
    ("普集街道", "普集", 36.6520, 117.6480),
    ("绣惠街道", "绣惠", 36.8010, 117.5690),
    ("相公庄街道", "相公庄", 36.7610, 117.6660),
    ("文祖街道", "文祖", 36.5700, 117.4130),
    ("官庄街道", "官庄", 36.6160, 117.5860),
    ("高官寨街道", "高官寨", 36.9530, 117.4580),
    ("白云湖街道", "白云湖", 36.8720, 117.4230),
    ("宁家埠街道", "宁家埠", 36.8460, 117.5180),
    ("曹范街道", "曹范", 36.5580, 117.5450),
    ("黄河街道", "黄河", 37.0210, 117.4700),
    ("刁镇", "刁镇", 36.9190, 117.6010),
    ("垛庄镇", "垛庄", 36.4990, 117.4820),
]
# (name, slug, description)
THEMES = [
    ("抗战红色足迹", "kangzhan-hongse-zuji", "抗日战争时期章丘军民斗争留下的遗址、道路与村庄。"),
    ("黄河地名文化", "huanghe-diming-wenhua", "沿黄河的渡口、堤坝、村落地名及其背后的红色记忆。"),
    ("英烈纪念", "yinglie-jinian", "烈士陵园、纪念碑亭和英烈故里，缅怀为章丘解放与建设献身的先烈。"),
    ("乡村振兴红色村庄", "xiangcun-zhenxing-hongse-cunzhuang", "传承红色基因、走上振兴之路的章丘村庄。"),
]


def upgrade():
    op.create_table(
        "place_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_place_categories_code")),
        sa.UniqueConstraint("name", name=op.f("uq_place_categories_name")),
        info={"reference": True},
    )
    op.create_table(
        "place_eras",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_eras")),
        sa.UniqueConstraint("name", name=op.f("uq_place_eras_name")),
        info={"reference": True},
    )
    op.create_table(
        "place_protection_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_protection_levels")),
        sa.UniqueConstraint("name", name=op.f("uq_place_protection_levels_name")),
        info={"reference": True},
    )
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("name", name=op.f("uq_themes_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_themes_slug")),
        info={"reference": True},
    )
    op.create_table(
        "towns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("short_name", sa.String(length=20), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_towns")),
        sa.UniqueConstraint("name", name=op.f("uq_towns_name")),
        sa.UniqueConstraint("short_name", name=op.f("uq_towns_short_name")),
        info={"reference": True},
    )
    op.create_table(
        "place_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pinyin", sa.String(length=300), nullable=False),
        sa.Column("pinyin_plain", sa.String(length=300), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("era_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("history", sa.Text(), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("persons", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("protection_level_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_place_names_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["place_categories.id"], name=op.f("fk_place_names_category_id_place_categories")
        ),
        sa.ForeignKeyConstraint(["era_id"], ["place_eras.id"], name=op.f("fk_place_names_era_id_place_eras")),
        sa.ForeignKeyConstraint(
            ["protection_level_id"],
            ["place_protection_levels.id"],
            name=op.f("fk_place_names_protection_level_id_place_protection_levels"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_place_names_reviewer_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_place_names_town_id_towns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_names")),
        sa.UniqueConstraint("code", name=op.f("uq_place_names_code")),
    )
    with op.batch_alter_table("place_names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_names_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_place_names_era_id"), ["era_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_place_names_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_place_names_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_place_names_town_id"), ["town_id"], unique=False)

    op.create_table(
        "place_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["place_names.id"],
            name=op.f("fk_place_aliases_place_id_place_names"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_aliases")),
    )
    with op.batch_alter_table("place_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_aliases_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_place_aliases_place_id"), ["place_id"], unique=False)

    op.create_table(
        "place_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("thumb_filename", sa.String(length=100), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("credit", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["place_names.id"],
            name=op.f("fk_place_photos_place_id_place_names"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_photos")),
        sa.UniqueConstraint("filename", name=op.f("uq_place_photos_filename")),
    )
    with op.batch_alter_table("place_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_photos_place_id"), ["place_id"], unique=False)

    op.create_table(
        "place_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_place_revisions_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["place_names.id"],
            name=op.f("fk_place_revisions_place_id_place_names"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_revisions")),
    )
    with op.batch_alter_table("place_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_revisions_place_id"), ["place_id"], unique=False)

    op.create_table(
        "place_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("citation", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["place_names.id"],
            name=op.f("fk_place_sources_place_id_place_names"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_sources")),
    )
    with op.batch_alter_table("place_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_sources_place_id"), ["place_id"], unique=False)

    op.create_table(
        "place_themes",
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["place_names.id"],
            name=op.f("fk_place_themes_place_id_place_names"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_place_themes_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("place_id", "theme_id", name=op.f("pk_place_themes")),
    )
    with op.batch_alter_table("place_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_themes_theme_id"), ["theme_id"], unique=False)

    _seed()


def _seed():
    """Insert the reference lists."""
    now = datetime.now(UTC)
    categories = sa.table(
        "place_categories", sa.column("name"), sa.column("code"), sa.column("position", sa.Integer)
    )
    eras = sa.table("place_eras", sa.column("name"), sa.column("position", sa.Integer))
    levels = sa.table("place_protection_levels", sa.column("name"), sa.column("position", sa.Integer))
    towns = sa.table(
        "towns",
        sa.column("name"),
        sa.column("short_name"),
        sa.column("latitude", sa.Float),
        sa.column("longitude", sa.Float),
        sa.column("position", sa.Integer),
    )
    themes = sa.table(
        "themes",
        sa.column("name"),
        sa.column("slug"),
        sa.column("description"),
        sa.column("position", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        categories, [{"name": n, "code": c, "position": i} for i, (n, c) in enumerate(CATEGORIES, 1)]
    )
    op.bulk_insert(eras, [{"name": n, "position": i} for i, n in enumerate(ERAS, 1)])
    op.bulk_insert(levels, [{"name": n, "position": i} for i, n in enumerate(PROTECTION_LEVELS, 1)])
    op.bulk_insert(
        towns,
        [
            {"name": n, "short_name": s, "latitude": lat, "longitude": lon, "position": i}
            for i, (n, s, lat, lon) in enumerate(TOWNS, 1)
        ],
    )
    op.bulk_insert(
        themes,
        [
            {"name": n, "slug": s, "description": d, "position": i, "created_at": now}
            for i, (n, s, d) in enumerate(THEMES, 1)
        ],
    )


def downgrade():
    with op.batch_alter_table("place_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_themes_theme_id"))

    op.drop_table("place_themes")
    with op.batch_alter_table("place_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_sources_place_id"))

    op.drop_table("place_sources")
    with op.batch_alter_table("place_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_revisions_place_id"))

    op.drop_table("place_revisions")
    with op.batch_alter_table("place_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_photos_place_id"))

    op.drop_table("place_photos")
    with op.batch_alter_table("place_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_aliases_place_id"))
        batch_op.drop_index(batch_op.f("ix_place_aliases_name"))

    op.drop_table("place_aliases")
    with op.batch_alter_table("place_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_names_town_id"))
        batch_op.drop_index(batch_op.f("ix_place_names_status"))
        batch_op.drop_index(batch_op.f("ix_place_names_name"))
        batch_op.drop_index(batch_op.f("ix_place_names_era_id"))
        batch_op.drop_index(batch_op.f("ix_place_names_category_id"))

    op.drop_table("place_names")
    op.drop_table("towns")
    op.drop_table("themes")
    op.drop_table("place_protection_levels")
    op.drop_table("place_eras")
    op.drop_table("place_categories")
