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


def test_migrations_keep_the_data_down_to_the_first_revision_and_back(make_app, make_database):
    """Batch mode rebuilds SQLite tables that other rows point at: with data in them, every
    downgrade and upgrade must keep the rows and their references."""
    from sqlalchemy import func, select, text

    from tracker.models import ActionItem, Directive, DirectiveState, Speech, StatusUpdate, User

    app = make_app(make_database())
    with app.app_context():
        flask_migrate.upgrade()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output

        def counts():
            return [
                db.session.scalar(select(func.count()).select_from(m))
                for m in (User, Speech, Directive, ActionItem, StatusUpdate)
            ]

        before = counts()
        db.session.remove()
        flask_migrate.downgrade(revision="0001")
        flask_migrate.upgrade()
        assert counts() == before == [19, 2, 40, 30, before[4]]
        assert _differences() == []
        # What the later revisions add is filled in for the rows that were there.
        assert set(db.session.scalars(select(Directive.state))) == {DirectiveState.ACCEPTED}
        assert db.session.scalar(select(func.count()).where(Speech.published_at.is_(None))) == 0
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        db.session.remove()
        db.engine.dispose()
