"""accounts_mfa: second factor (TOTP secret, recovery codes) and session records (issue 15).

Placeholder in the fixed chain (so parallel work never creates two heads); filled in by its issue.

Revision ID: 0006_accounts_mfa
Revises: 0005_hotline_cases
"""

revision = "0006_accounts_mfa"
down_revision = "0005_hotline_cases"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
