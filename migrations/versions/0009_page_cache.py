"""page_cache: content generation counter for the page cache; index for related places (issue 12).

Revision ID: 0009_page_cache
Revises: 0008_ops_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_page_cache"
down_revision = "0008_ops_jobs"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])
    with op.batch_alter_table("place_names", schema=None) as batch_op:
        batch_op.create_index(
            "ix_place_names_status_latitude", ["status", "latitude", "longitude"], unique=False
        )
        batch_op.create_index(
            "ix_place_names_status_pinyin", ["status", "pinyin_plain", "code"], unique=False
        )


def downgrade():
    with op.batch_alter_table("place_names", schema=None) as batch_op:
        batch_op.drop_index("ix_place_names_status_pinyin")
        batch_op.drop_index("ix_place_names_status_latitude")
    op.drop_table("content_generation")
