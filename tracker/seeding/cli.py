"""`tracker seed`: load the demo plan (idempotent)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..clock import office_today
from ..extensions import db
from ..paths import SEEDS
from ..speeches.services import SpeechRefused
from .plan import PlanError, load_plan
from .services import seed


@click.command("seed")
@click.option(
    "--anchor",
    type=click.Choice(["today", "speech"]),
    default="today",
    show_default=True,
    help="Place the demo's dates around today, or keep them relative to the speech days.",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=SEEDS / "plan.toml",
    show_default="seeds/plan.toml",
    help="The plan file; speech files are read from its folder.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Seed as if today were this day (YYYY-MM-DD).",
)
@with_appcontext
def seed_command(anchor: str, plan_path: Path, today) -> None:
    """Load the seed speeches, their directives and action items, and the demo users."""
    day = today.date() if today else office_today()
    try:
        plan = load_plan(plan_path)
        created = seed(plan, plan_path.parent, anchor=anchor, today=day)
    except (PlanError, SpeechRefused) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    if created:
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        click.echo(_("Seeded %(summary)s.", summary=summary))
    else:
        click.echo(_("Seed data already present; nothing changed."))
    click.echo(_("Demo accounts (password: %(password)s):", password=plan.demo_password))
    for user in plan.users:
        scope = f"{user.city}/{user.department}" if user.department else user.city or "all cities"
        click.echo(f"  {user.role:<10} {user.email:<34} {user.name} ({scope})")
