"""Policy Tracker: turns a leader's speech into assigned, reminded and verified work."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import get_locale

from . import database, errors
from .config import from_environment
from .extensions import babel, db, migrate
from .paths import MIGRATIONS, PROJECT_ROOT, TEMPLATES


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: settings, extensions, blueprints, error pages and commands."""
    instance_path = os.environ.get("TRACKER_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(__name__, instance_path=instance_path, template_folder=str(TEMPLATES))
    app.config.update(from_environment(app.instance_path))
    app.config.update(config or {})
    register_extensions(app)
    register_blueprints(app)
    errors.init_app(app)
    register_cli(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    babel.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .overview.views import bp as overview

    app.register_blueprint(overview)


def register_cli(app: Flask) -> None:
    from .seeding.cli import seed_command
    from .speeches.cli import import_speech_command

    app.cli.add_command(seed_command)
    app.cli.add_command(import_speech_command)


def register_template_helpers(app: Flask) -> None:
    from .labels import STATUS_LABELS
    from .models import Status

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["status_label"] = lambda status: STATUS_LABELS[Status(status)]
