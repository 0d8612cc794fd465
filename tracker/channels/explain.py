"""What a robot's or the SMS gateway's failure means, in the reader's language: the outbox
page and `tracker channels test` show it above the raw answer."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from ..labels import PLATFORM_LABELS
from ..models import Platform

_ROBOT = re.compile(r"^(?:DeliveryError: )?(dingtalk|wecom|feishu) HTTP (\d+) (\S+): ")
_NO_ANSWER = re.compile(r"^(?:DeliveryError: )?(TimeoutError|URLError|OSError|\w*Connection\w*)")


def _hints() -> dict[str, str]:
    busy = _("too many messages in a minute: the robot waits and tries again")
    signature = _(
        "the signature or keyword check failed: check the secret and the security settings"
    )
    return {
        "310000": signature,
        "19021": signature,
        "300001": _("the robot's access token is not valid: copy the address again"),
        "93000": _("the webhook key is not valid: copy the address again"),
        "130101": busy,
        "45009": busy,
        "11232": busy,
        "99991400": busy,
        "40058": _("the message is too long for the platform"),
        "-1": _("the platform is busy: the message will be tried again"),
    }


def explain(error: str | None) -> str | None:
    """A sentence for a stored error of a robot or the SMS gateway; None for other errors
    (mail servers' answers are shown as they are)."""
    if not error:
        return None
    robot = _ROBOT.match(error)
    if robot:
        platform, status, code = robot.groups()
        name = str(PLATFORM_LABELS[Platform(platform)])
        hint = _hints().get(code)
        if hint is None:
            hint = (
                _("the platform's server failed: the message will be tried again")
                if int(status) >= 500 or status == "429"
                else _("the platform refused the message")
            )
        return _("%(platform)s answered %(code)s: %(hint)s.", platform=name, code=code, hint=hint)
    if "SMS gateway" in error:
        return _("The SMS gateway did not take the message.")
    if "unusable address" in error:
        return _("The robot's address cannot be used: set it again under Cities and departments.")
    if _NO_ANSWER.match(error):
        return _("No answer in time, or no connection: the message will be tried again.")
    return None
