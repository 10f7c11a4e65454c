"""places: tables of the places feature (filled in by its issue).

Revision ID: 0004_places
Revises: 0003_hotline
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_places"
down_revision = "0003_hotline"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
