"""hotline: tables of the hotline feature (filled in by its issue).

Revision ID: 0003_hotline
Revises: 0002_policies
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_hotline"
down_revision = "0002_policies"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
