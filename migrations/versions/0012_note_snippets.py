"""note_snippets: canned note snippets edited by admins; note drafts kept over a sign-in (issue 13).

Revision ID: 0012_note_snippets
Revises: 0009_page_cache
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_note_snippets"
down_revision = "0011_article_drafts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotline_note_snippets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=20), nullable=False),
        sa.Column("body", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_note_snippets")),
    )
    op.create_table(
        "hotline_note_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotline_cases.id"],
            name=op.f("fk_hotline_note_drafts_case_id_hotline_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_hotline_note_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_note_drafts")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_hotline_note_drafts_token_hash")),
    )
    with op.batch_alter_table("hotline_note_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_note_drafts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_note_drafts_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_note_drafts_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("hotline_note_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_note_drafts_user_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_note_drafts_created_at"))
        batch_op.drop_index(batch_op.f("ix_hotline_note_drafts_case_id"))
    op.drop_table("hotline_note_drafts")
    op.drop_table("hotline_note_snippets")
