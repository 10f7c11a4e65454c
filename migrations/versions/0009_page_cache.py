"""page_cache: content generation counter for the page cache (issue 12).

Placeholder in the fixed chain (so parallel work never creates two heads); filled in by its issue.

Revision ID: 0009_page_cache
Revises: 0008_ops_jobs
"""

revision = "0009_page_cache"
down_revision = "0008_ops_jobs"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
