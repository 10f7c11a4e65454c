"""search_outbox: index change outbox for several hosts (issue 10).

Revision ID: 0007_search_outbox
Revises: 0006_accounts_mfa
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_search_outbox"
down_revision = "0006_accounts_mfa"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ident", sa.String(length=120), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_search_outbox")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_outbox_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_created_at"))
    op.drop_table("search_outbox")
