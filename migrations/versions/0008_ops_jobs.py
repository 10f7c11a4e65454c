"""ops_jobs: scheduled job runs and locks (issue 14).

Placeholder in the fixed chain (so parallel work never creates two heads); filled in by its issue.

Revision ID: 0008_ops_jobs
Revises: 0007_search_outbox
"""

revision = "0008_ops_jobs"
down_revision = "0007_search_outbox"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
