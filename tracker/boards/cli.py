"""`tracker boards rebuild`: recompute what the boards keep from the milestones and history."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..clock import office_today
from ..extensions import db
from . import history


@click.group("boards")
def boards_group() -> None:
    """The figures the boards keep."""


@boards_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute each item's completion and last update, and the daily snapshots of the last
    weeks, from the milestones and the history (after a restore, or an import by SQL)."""
    corrected, days = history.rebuild(office_today())
    db.session.commit()
    click.echo(
        _(
            "%(items)d items had figures that differed; %(days)d daily snapshots made.",
            items=corrected,
            days=days,
        )
    )
