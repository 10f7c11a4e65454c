"""policies: tables of the policies feature (filled in by its issue).

Revision ID: 0002_policies
Revises: 0001_accounts
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002_policies"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
