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
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    if not url or not secure or not parts.netloc or len(url) > 500 or any(c.isspace() for c in url):
        errors["url"] = _("Give the robot's webhook address, starting with https://.")
    if secret is not None and (len(secret) > 200 or any(c.isspace() for c in secret)):
        errors["secret"] = _("The secret is at most 200 characters, without spaces.")
    if errors:
        raise Invalid(errors)
    robot = robot_of(department) or DepartmentRobot(department=department)
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


def remove_robot(actor: User | None, department: Department) -> bool:
    robot = robot_of(department)
    if robot is None:
        return False
    db.session.delete(robot)
    audit.record("department.robot_removed", department, actor=actor, platform=str(robot.platform))
    return True
