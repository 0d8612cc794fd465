"""Setting and removing a department's group robot (audited, the credentials masked)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Department, DepartmentRobot, Platform, User, utcnow
from ..validation import Invalid
from .robots import masked

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def robot_of(department: Department) -> DepartmentRobot | None:
    return db.session.scalar(
        select(DepartmentRobot).where(DepartmentRobot.department_id == department.id)
    )


def set_robot(
    actor: User | None, department: Department, platform: str, url: str, secret: str | None
) -> DepartmentRobot:
    """Give `department` a robot, or change its robot. A blank secret keeps the one it has
    (pages never show it back); WeCom robots have none (their key is in the URL)."""
    url, secret = (url or "").strip(), (secret or "").strip() or None
    errors = {}
    if platform not in set(Platform):
        errors["platform"] = _("Choose DingTalk, WeCom or Feishu.")
    problem = _address_problem(url)
    if problem:
        errors["url"] = problem
    if secret is not None and (len(secret) > 200 or not _printable(secret)):
        errors["secret"] = _("The secret is at most 200 characters, without spaces.")
    if errors:
        raise Invalid(errors)
    robot = robot_of(department) or DepartmentRobot(department=department)
    if robot.platform is not None and robot.platform != platform and secret is None:
        robot.secret = None  # another platform's secret means nothing to this one
    robot.platform, robot.url, robot.updated_at = Platform(platform), url, utcnow()
    if platform == Platform.WECOM:
        robot.secret = None
    elif secret is not None:
        robot.secret = secret
    db.session.add(robot)
    db.session.flush()
    audit.record(
        "department.robot_set",
        department,
        actor=actor,
        platform=str(platform),
        url=masked(url),
        signed=robot.secret is not None,
    )
    return robot


def _printable(text: str) -> bool:
    """Visible ASCII only: what a robot's address and secret are made of (a space, a control
    character or a character pasted from a chat would make them unusable)."""
    return all(33 <= ord(c) < 127 for c in text)


def _address_problem(url: str) -> str | None:
    """What is wrong with a webhook address, in words the admin can act on; None if fine."""
    if len(url) > 500:
        return _("The webhook address is at most 500 characters.")
    if not url.startswith(("https://", "http://")):
        return _("Give the robot's webhook address, starting with https://.")
    if not _printable(url):
        return _(
            "The address has a space or a full-width or invisible character: copy it again "
            "from the robot's settings."
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a stray bracket
        host, parts = None, None
    if not host:
        return _("The address has no host name: copy it again from the robot's settings.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address.")
    if host.startswith("169.254.") or host in ("0.0.0.0", "metadata.google.internal"):
        return _("This address is not a robot's.")
    if parts.scheme != "https" and host not in LOOPBACK:
        return _("Give the robot's webhook address, starting with https://.")
    return None


def remove_robot(actor: User | None, department: Department) -> bool:
    robot = robot_of(department)
    if robot is None:
        return False
    db.session.delete(robot)
    audit.record("department.robot_removed", department, actor=actor, platform=str(robot.platform))
    return True
