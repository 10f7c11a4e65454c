"""waitlist: residents wait for a full day and mode; bookings on a closed day are flagged to move (issue 13).

Encrypted columns (nickname, phone) are Fernet tokens in Text columns, like the bookings'.

Revision ID: 0013_waitlist
Revises: 0009_page_cache
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_waitlist"
down_revision = "0012_note_snippets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotline_waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("wanted_on", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("nickname", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("active_key", sa.String(length=90), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_version", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("offered_slot_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["hotline_bookings.id"],
            name=op.f("fk_hotline_waitlist_booking_id_hotline_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotline_cases.id"],
            name=op.f("fk_hotline_waitlist_case_id_hotline_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offered_slot_id"],
            ["hotline_slots.id"],
            name=op.f("fk_hotline_waitlist_offered_slot_id_hotline_slots"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_waitlist")),
        sa.UniqueConstraint("active_key", name=op.f("uq_hotline_waitlist_active_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_hotline_waitlist_reference")),
    )
    with op.batch_alter_table("hotline_waitlist", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hotline_waitlist_offer_expires_at"), ["offer_expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hotline_waitlist_phone_hash"), ["phone_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_waitlist_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_waitlist_wanted_on"), ["wanted_on"], unique=False)

    with op.batch_alter_table("hotline_bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_move", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("hotline_bookings", schema=None) as batch_op:
        batch_op.drop_column("needs_move")

    with op.batch_alter_table("hotline_waitlist", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_waitlist_wanted_on"))
        batch_op.drop_index(batch_op.f("ix_hotline_waitlist_status"))
        batch_op.drop_index(batch_op.f("ix_hotline_waitlist_phone_hash"))
        batch_op.drop_index(batch_op.f("ix_hotline_waitlist_offer_expires_at"))

    op.drop_table("hotline_waitlist")
