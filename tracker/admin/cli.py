"""`tracker users ...`: the admin pages' user operations from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.passwords_policy import password_problem
from ..auth.services import find_user_by_email
from ..extensions import db
from ..formatting import aside
from ..i18n import local_name
from ..labels import role_label
from ..models import City, Department, Role, User
from ..passwords import hash_password
from ..validation import Invalid
from . import services


@click.group("users")
def users_group() -> None:
    """Create, list and deactivate user accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--city", "city_slug", help="City slug (staff, supervisors and leaders).")
@click.option("--department", "department_slug", help="Department slug within the city (staff).")
@click.option("--locale", type=click.Choice(["en", "zh_Hans"]), default="en", show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
@with_appcontext
def create_command(email, name, role, city_slug, department_slug, locale, password) -> None:
    """Create an account (for example the first admin of a new installation)."""
    city = db.session.scalar(select(City).where(City.slug == city_slug)) if city_slug else None
    if city_slug and city is None:
        raise click.ClickException(_("unknown city %(slug)s", slug=f"“{city_slug}”"))
    department = None
    if department_slug:
        found = db.session.scalars(
            select(Department).where(
                Department.slug == department_slug, *([Department.city == city] if city else [])
            )
        ).all()
        if len(found) > 1:  # the same slug in several cities
            raise click.ClickException(
                _(
                    "Several cities have a department %(department)s: give --city.",
                    department=f"“{department_slug}”",
                )
            )
        if not found:
            raise click.ClickException(
                _("no department %(department)s", department=f"“{department_slug}”")
                if city is None
                else _(
                    "no department %(department)s in %(city)s",
                    department=f"“{department_slug}”",
                    city=f"“{city_slug}”",
                )
            )
        department = found[0]
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(_("password: %(problem)s", problem=problem))
    try:
        user = services.create_user(
            None, email=email, name=name, role=role, city=city, department=department, locale=locale
        )
    except Invalid as invalid:
        db.session.rollback()
        raise click.ClickException(" ".join(invalid.errors.values())) from None
    user.password_hash = hash_password(password)
    db.session.commit()
    click.echo(_("Created %(role)s %(email)s.", role=role_label(user.role), email=user.email))


@users_group.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate_command(email) -> None:
    """Deactivate an account; its sessions end at once."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(_("no user %(email)s", email=repr(email)))
    services.set_active(None, user, False)
    db.session.commit()
    click.echo(_("Deactivated %(email)s; every session of theirs has ended.", email=user.email))


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every account: role, scope, active."""
    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        scope = local_name(user.city) if user.city else _("every city")
        if user.department:
            scope = local_name(user.department) + aside(scope)
        state = "" if user.is_active else "  " + _("(deactivated)")
        click.echo(f"{role_label(user.role):<10} {user.email:<36} {scope}{state}")
