"""Migrations and models agree, on SQLite and on PostgreSQL (CI runs both).

The test session builds its database with ``flask db upgrade`` (tests/conftest.py). Here Alembic's
autogenerate comparison must find nothing between that database and ``db.metadata``: a model change
without a migration fails CI. The chain must also downgrade to an empty database and upgrade again.
"""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_models(app):
    """`flask db upgrade` gives exactly the tables, columns, types, indexes and constraints of the models."""
    with db.engine.connect() as connection:
        differences = _diff(connection)
    assert differences == [], "models and migrations differ; write a migration:\n" + "\n".join(
        map(str, differences)
    )


def test_migrations_are_one_linear_chain(app):
    """The migration history has a single head (no branches to merge)."""
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_downgrade_to_base_and_upgrade_again(app_config, scratch_database_url):
    """Every migration downgrades cleanly to an empty database, and the chain upgrades again."""
    config = dict(app_config, SQLALCHEMY_DATABASE_URI=scratch_database_url)
    scratch = create_app(config)
    with scratch.app_context():
        upgrade()
        downgrade(revision="base")
        leftover = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
        upgrade()
        with db.engine.connect() as connection:
            assert _diff(connection) == []
        db.engine.dispose()
