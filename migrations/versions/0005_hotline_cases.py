"""hotline_cases: case management tables (cases, timeline events, append-only notes, follow-ups,
access log, per-year case number counters).

Encrypted columns (nickname, phone, description, note body, follow-up purpose) are Fernet tokens in
TEXT columns.

Revision ID: 0005_hotline_cases
Revises: 0004_places
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_hotline_cases"
down_revision = "0004_places"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotline_case_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_hotline_case_counters")),
    )
    op.create_table(
        "hotline_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("town", sa.String(length=20), nullable=True),
        sa.Column("nickname", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("priority", sa.String(length=4), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_hotline_cases_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["hotline_bookings.id"], name=op.f("fk_hotline_cases_booking_id_hotline_bookings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_cases")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_hotline_cases_booking_id")),
        sa.UniqueConstraint("number", name=op.f("uq_hotline_cases_number")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_hotline_cases_year")),
    )
    with op.batch_alter_table("hotline_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_cases_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_cases_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_cases_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_cases_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_cases_phone_hash"), ["phone_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_cases_scheduled_at"), ["scheduled_at"], unique=False)
        batch_op.create_index("ix_hotline_cases_status_priority", ["status", "priority"], unique=False)

    op.create_table(
        "hotline_access_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotline_cases.id"],
            name=op.f("fk_hotline_access_logs_case_id_hotline_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_hotline_access_logs_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_access_logs")),
    )
    with op.batch_alter_table("hotline_access_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_access_logs_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_access_logs_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_access_logs_user_id"), ["user_id"], unique=False)

    op.create_table(
        "hotline_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_hotline_case_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotline_cases.id"],
            name=op.f("fk_hotline_case_events_case_id_hotline_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_case_events")),
    )
    with op.batch_alter_table("hotline_case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "hotline_case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_hotline_case_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotline_cases.id"],
            name=op.f("fk_hotline_case_notes_case_id_hotline_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_case_notes")),
        sa.UniqueConstraint("thread_id", "version", name=op.f("uq_hotline_case_notes_thread_id")),
    )
    with op.batch_alter_table("hotline_case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_case_notes_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_case_notes_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "hotline_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotline_cases.id"],
            name=op.f("fk_hotline_follow_ups_case_id_hotline_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_hotline_follow_ups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["users.id"],
            name=op.f("fk_hotline_follow_ups_done_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_follow_ups")),
    )
    with op.batch_alter_table("hotline_follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_follow_ups_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_follow_ups_due_on"), ["due_on"], unique=False)


def downgrade():
    with op.batch_alter_table("hotline_follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_follow_ups_due_on"))
        batch_op.drop_index(batch_op.f("ix_hotline_follow_ups_case_id"))

    op.drop_table("hotline_follow_ups")
    with op.batch_alter_table("hotline_case_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_case_notes_thread_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_case_notes_case_id"))

    op.drop_table("hotline_case_notes")
    with op.batch_alter_table("hotline_case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_case_events_case_id"))

    op.drop_table("hotline_case_events")
    with op.batch_alter_table("hotline_access_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_access_logs_user_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_access_logs_case_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_access_logs_at"))

    op.drop_table("hotline_access_logs")
    with op.batch_alter_table("hotline_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_hotline_cases_status_priority")
        batch_op.drop_index(batch_op.f("ix_hotline_cases_scheduled_at"))
        batch_op.drop_index(batch_op.f("ix_hotline_cases_phone_hash"))
        batch_op.drop_index(batch_op.f("ix_hotline_cases_family_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_cases_created_at"))
        batch_op.drop_index(batch_op.f("ix_hotline_cases_closed_at"))
        batch_op.drop_index(batch_op.f("ix_hotline_cases_assignee_id"))

    op.drop_table("hotline_cases")
    op.drop_table("hotline_case_counters")
