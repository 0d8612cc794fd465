"""Policy Tracker: turns a leader's speech into assigned, reminded and verified work."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import database, errors, i18n, inputs, logs, security, translations_cache
from .config import from_environment
from .extensions import babel, csrf, db, login_manager, migrate
from .items import figures  # noqa: F401  (keeps the items' board figures with each flush)
from .paths import MIGRATIONS, PROJECT_ROOT, TEMPLATES


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: settings, extensions, blueprints, error pages and commands."""
    instance_path = os.environ.get("TRACKER_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(__name__, instance_path=instance_path, template_folder=str(TEMPLATES))
    app.config.update(from_environment(app.instance_path))
    app.config.update(config or {})
    logs.init_app(app)
    security.init_app(app)
    inputs.init_app(app)  # before any route: it bounds the `int` converter
    register_extensions(app)
    register_blueprints(app)
    errors.init_app(app)
    register_cli(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    from .auth.sessions import load_user_from_session

    database.configure(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    translations_cache.install(app, babel)
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.request_loader(load_user_from_session)


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin
    from .api import cycle as api_cycle  # noqa: F401  (its routes are on the API blueprint)
    from .api.account import bp as api_account
    from .api.views import bp as api
    from .auth.views import bp as auth
    from .boards.views import bp as boards
    from .calendars.views import bp as calendars
    from .documents.views import bp as documents
    from .health import bp as health
    from .items import cycle_views, listing, views  # noqa: F401  (routes on the items blueprint)
    from .items.blueprint import bp as items
    from .overview.views import bp as overview
    from .reminders.views import bp as reminders
    from .speeches.views import bp as speeches

    for blueprint in (
        admin,
        api,
        api_account,
        auth,
        boards,
        calendars,
        documents,
        health,
        items,
        overview,
        reminders,
        speeches,
    ):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from .admin.cli import users_group
    from .boards.cli import boards_group
    from .channels.cli import channels_group
    from .reminders.cli import reminders_group, scheduler_command, serve_command
    from .seeding.cli import seed_command
    from .speeches.cli import import_speech_command

    for command in (
        seed_command,
        import_speech_command,
        reminders_group,
        users_group,
        boards_group,
        channels_group,
        scheduler_command,
        serve_command,
    ):
        app.cli.add_command(command)


def register_template_helpers(app: Flask) -> None:
    from . import formatting
    from .access import watches
    from .items.rules import is_unacknowledged

    app.jinja_env.globals["get_locale"] = formatting.get_locale
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters["local_name"] = i18n.local_name
    app.jinja_env.tests["unacknowledged"] = is_unacknowledged
    app.jinja_env.tests["watcher"] = watches  # sees the boards
