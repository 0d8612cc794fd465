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
    if len(url) > 500:
        errors["url"] = _("The webhook address is at most 500 characters.")
    elif not _usable(url):
        errors["url"] = _("Give the robot's webhook address, starting with https://.")
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


def _usable(url: str) -> bool:
    if not url or not _printable(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a stray bracket
        return False
    if not host or parts.username or parts.password:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)


def remove_robot(actor: User | None, department: Department) -> bool:
    robot = robot_of(department)
    if robot is None:
        return False
    db.session.delete(robot)
    audit.record("department.robot_removed", department, actor=actor, platform=str(robot.platform))
    return True
