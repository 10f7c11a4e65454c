"""hotline: booking tables (weekly rules, closures, make-up workdays, slots, bookings, settings).

Encrypted columns (nickname, phone, description, safe_call_times) are Fernet tokens in TEXT columns.

Revision ID: 0003_hotline
Revises: 0002_policies
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_hotline"
down_revision = "0002_policies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotline_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_closures")),
        sa.UniqueConstraint("closed_on", name=op.f("uq_hotline_closures_closed_on")),
    )
    op.create_table(
        "hotline_extra_workdays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_on", sa.Date(), nullable=False),
        sa.Column("use_weekday", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_extra_workdays")),
        sa.UniqueConstraint("work_on", name=op.f("uq_hotline_extra_workdays_work_on")),
    )
    op.create_table(
        "hotline_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_rules")),
    )
    op.create_table(
        "hotline_settings",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hotline_settings")),
    )
    op.create_table(
        "hotline_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["hotline_rules.id"],
            name=op.f("fk_hotline_slots_rule_id_hotline_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_slots")),
        sa.UniqueConstraint("start_at", "mode", name="uq_hotline_slots_start_at_mode"),
    )
    with op.batch_alter_table("hotline_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_slots_start_at"), ["start_at"], unique=False)

    op.create_table(
        "hotline_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("nickname", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("active_phone_hash", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("safe_call_times", sa.Text(), nullable=True),
        sa.Column("may_leave_message", sa.Boolean(), nullable=False),
        sa.Column("town", sa.String(length=10), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_version", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("form_token", sa.String(length=64), nullable=True),
        sa.Column("reschedule_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["hotline_slots.id"], name=op.f("fk_hotline_bookings_slot_id_hotline_slots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_bookings")),
        sa.UniqueConstraint("active_phone_hash", name=op.f("uq_hotline_bookings_active_phone_hash")),
        sa.UniqueConstraint("form_token", name=op.f("uq_hotline_bookings_form_token")),
        sa.UniqueConstraint("reference", name=op.f("uq_hotline_bookings_reference")),
    )
    with op.batch_alter_table("hotline_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_bookings_phone_hash"), ["phone_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_bookings_slot_id"), ["slot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_bookings_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("hotline_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_bookings_status"))
        batch_op.drop_index(batch_op.f("ix_hotline_bookings_slot_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_bookings_phone_hash"))

    op.drop_table("hotline_bookings")
    with op.batch_alter_table("hotline_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_slots_start_at"))

    op.drop_table("hotline_slots")
    op.drop_table("hotline_settings")
    op.drop_table("hotline_rules")
    op.drop_table("hotline_extra_workdays")
    op.drop_table("hotline_closures")
