"""`tracker channels set|remove|list|test`: departments' group robots from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import local_name
from ..labels import PLATFORM_LABELS
from ..models import City, Department, DepartmentRobot, Platform
from ..validation import Invalid
from . import robots
from .delivery import ROBOT_LOCALE
from .explain import explain
from .http import DeliveryError
from .services import remove_robot, robot_of, set_robot


def platform_label(platform) -> str:
    return str(PLATFORM_LABELS[Platform(platform)])


def _department(place: str) -> Department:
    """CITY_SLUG/DEPARTMENT_SLUG, for example nanjing/drc."""
    city_slug, _slash, slug = place.partition("/")
    department = db.session.scalar(
        select(Department)
        .join(Department.city)
        .where(City.slug == city_slug, Department.slug == slug)
    )
    if department is None:
        raise click.BadParameter(
            _("No department %(place)s (give CITY_SLUG/DEPARTMENT_SLUG).", place=place),
            param_hint="PLACE",
        )
    return department


@click.group("channels")
def channels_group() -> None:
    """Departments' group robots (DingTalk, WeCom, Feishu)."""


@channels_group.command("set")
@click.argument("place")
@click.argument("platform", type=click.Choice([p.value for p in Platform]))
@click.option("--url", required=True, help="The robot's webhook address.")
@click.option("--secret", help="The signing secret (DingTalk, Feishu); omitted: keep the old.")
@with_appcontext
def set_command(place: str, platform: str, url: str, secret: str | None) -> None:
    """Give a department a group robot, or change it."""
    department = _department(place)
    try:
        robot = set_robot(None, department, platform, url, secret)
    except Invalid as invalid:
        db.session.rollback()
        raise click.UsageError(" ".join(invalid.errors.values())) from None
    db.session.commit()
    click.echo(
        _(
            "%(place)s: %(platform)s %(url)s",
            place=place,
            platform=platform_label(robot.platform),
            url=robots.masked(robot.url),
        )
    )


@channels_group.command("remove")
@click.argument("place")
@with_appcontext
def remove_command(place: str) -> None:
    """Take a department's group robot away."""
    if not remove_robot(None, _department(place)):
        raise click.UsageError(_("%(place)s has no robot.", place=place))
    db.session.commit()
    click.echo(_("%(place)s: robot removed.", place=place))


@channels_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every department's robot, its credentials masked."""
    rows = db.session.execute(
        select(DepartmentRobot, Department, City)
        .join(DepartmentRobot.department)
        .join(Department.city)
        .order_by(City.slug, Department.slug)
    ).all()
    for robot, department, city in rows:
        signed = _("signed") if robot.secret else _("not signed")
        click.echo(
            f"{city.slug}/{department.slug}\t{platform_label(robot.platform)}\t"
            f"{robots.masked(robot.url)}\t{signed}"
        )
    if not rows:
        click.echo(_("No department has a robot."))


@channels_group.command("test")
@click.argument("place")
@with_appcontext
def test_command(place: str) -> None:
    """Post a test message through a department's robot now and show the answer (a check by
    hand: it is not a reminder, so it does not go through the outbox)."""
    department = _department(place)
    robot = robot_of(department)
    if robot is None:
        raise click.UsageError(_("%(place)s has no robot.", place=place))
    with force_locale(ROBOT_LOCALE):  # as the group reads every robot message
        title = _("Policy Tracker: test message")
        text = _(
            "This group will receive the reminders of %(department)s.",
            department=local_name(department),
        )
    try:
        robots.post(robot, title, f"### {title}\n\n{text}")
    except DeliveryError as error:
        meaning = explain(f"{type(error).__name__}: {error}")
        detail = f"{meaning} ({error})" if meaning else str(error)
        raise click.ClickException(_("Not sent: %(error)s", error=detail)) from None
    click.echo(_("Sent: the group should show the test message."))
