"""search_outbox: index change outbox for several hosts (issue 10).

Placeholder in the fixed chain (so parallel work never creates two heads); filled in by its issue.

Revision ID: 0007_search_outbox
Revises: 0006_accounts_mfa
"""

revision = "0007_search_outbox"
down_revision = "0006_accounts_mfa"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
