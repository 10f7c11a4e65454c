"""hotline_cases: case management tables of the hotline feature (filled in by its issue).

Revision ID: 0005_hotline_cases
Revises: 0004_places
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_hotline_cases"
down_revision = "0004_places"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
