"""What the sender hands over for a robot's or an SMS message: composed under the claim, sent
outside any transaction (plain values only: no database object is touched while sending)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..models import Channel, DepartmentRobot, Reminder, ReminderKind
from . import robots, sms
from .http import DeliveryError
from .messages import robot_message, sms_text

# A department's group chat reads Chinese (robots have no language setting of their own).
ROBOT_LOCALE = "zh_Hans"


@dataclass(frozen=True)
class RobotPost:
    robot: DepartmentRobot  # a detached copy: platform, url, secret
    title: str
    markdown: str

    def send(self) -> None:
        _guarded(robots.post, self.robot, self.title, self.markdown)


@dataclass(frozen=True)
class TextMessage:
    mobile: str
    text: str

    def send(self) -> None:
        _guarded(sms.send, self.mobile, self.text)


def _guarded(send, *args) -> None:
    """Whatever else goes wrong in sending one message fails that message (its text names
    only the kind of error: details may hold the address), never the run."""
    try:
        send(*args)
    except DeliveryError:
        raise
    except Exception as error:  # noqa: BLE001 - reported as the message's failure
        raise DeliveryError(f"{type(error).__name__}", permanent=True) from None


def _newer_summary(reminder: Reminder) -> bool:
    return (
        db.session.scalar(
            select(Reminder.id)
            .where(
                Reminder.kind == ReminderKind.SUMMARY,
                Reminder.department_id == reminder.department_id,
                Reminder.period_on > reminder.period_on,
            )
            .limit(1)
        )
        is not None
    )


def destination(channel: Channel, department_id: int | None) -> str:
    """What fails together: the mail server, the SMS gateway, one robot."""
    return f"robot:{department_id}" if channel == Channel.ROBOT else str(channel)


def prepare(reminder: Reminder) -> RobotPost | TextMessage | None:
    """The message to send, or None when there is nowhere to send it or nothing to say."""
    if reminder.channel == Channel.ROBOT:
        if reminder.kind == ReminderKind.SUMMARY and _newer_summary(reminder):
            return None  # a later day's summary replaces one that could not go out
        robot = db.session.scalar(
            select(DepartmentRobot).where(DepartmentRobot.department_id == reminder.department_id)
        )
        if robot is None:  # removed since planning
            return None
        with force_locale(ROBOT_LOCALE):
            composed = robot_message(reminder, robots.MAX_BYTES[robot.platform])
        if composed is None:
            return None
        copy = DepartmentRobot(platform=robot.platform, url=robot.url, secret=robot.secret)
        return RobotPost(copy, *composed)
    user = reminder.recipient
    if not (user.is_active and user.sms_urgent and user.mobile and current_app.config["SMS_URL"]):
        return None  # opted out, or no gateway any more
    with force_locale(user.locale or "en"):
        text = sms_text(reminder)
    return TextMessage(user.mobile, text) if text else None
