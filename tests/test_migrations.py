"""The schema comes only from Alembic, and the migrations match the models exactly."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tracker.extensions import db


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_models_and_downgrade_round_trips(make_app, make_database):
    app = make_app(make_database())
    with app.app_context():
        flask_migrate.upgrade()
        assert _differences() == []
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables

        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        flask_migrate.upgrade()
        assert _differences() == []
        db.engine.dispose()


def test_the_test_database_was_built_by_migrations(app):
    """The shared test database has Alembic's version table: it was not made by create_all."""
    assert "alembic_version" in inspect(db.engine).get_table_names()
