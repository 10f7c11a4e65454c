"""article_drafts: pending changes to live articles (issue 13); revisions mark unpublished changes.

Revision ID: 0011_article_drafts
Revises: 0009_page_cache
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_article_drafts"
down_revision = "0010_place_drafts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("publish_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_drafts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_article_drafts_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_drafts")),
        sa.UniqueConstraint("article_id", name=op.f("uq_article_drafts_article_id")),
    )
    with op.batch_alter_table("article_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_drafts_publish_at"), ["publish_at"], unique=False)
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_column("draft")
    with op.batch_alter_table("article_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_drafts_publish_at"))
    op.drop_table("article_drafts")
