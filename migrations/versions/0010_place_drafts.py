"""place_drafts: pending changes to published place entries, reviewed before they go live (issue 13).

Revision ID: 0010_place_drafts
Revises: 0009_page_cache
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_place_drafts"
down_revision = "0009_page_cache"
branch_labels = None
depends_on = None


def _user_fk(column: str):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_place_drafts_{column}_users"), ondelete="SET NULL"
    )


def upgrade():
    op.create_table(
        "place_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("editor_ids", sa.JSON(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("author_id"),
        _user_fk("submitted_by_id"),
        _user_fk("reviewer_id"),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["place_names.id"],
            name=op.f("fk_place_drafts_place_id_place_names"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_drafts")),
        sa.UniqueConstraint("place_id", name=op.f("uq_place_drafts_place_id")),
    )


def downgrade():
    op.drop_table("place_drafts")
