"""The three group robots' contracts: where to post, how to sign, what the answer means.

- DingTalk custom robot: POST {"msgtype": "markdown", ...} to the webhook with `timestamp`
  (milliseconds) and `sign` (Base64 of HMAC-SHA256 over "timestamp\\nsecret", keyed with the
  secret) added to the URL; answers {"errcode": 0}; 130101 when a robot sends more than 20
  messages a minute.
- WeCom group robot: POST {"msgtype": "markdown", ...} to the webhook, whose `key` is the
  credential; answers {"errcode": 0}; 45009 when over its rate limit.
- Feishu custom bot: POST an interactive card with `timestamp` (seconds) and `sign` (Base64 of
  HMAC-SHA256 of nothing, keyed with "timestamp\\nsecret") in the body; answers {"code": 0};
  9499 or 11232 when over its rate limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..models import DepartmentRobot, Platform
from .http import DeliveryError, post_json

RATE_LIMITED = {
    Platform.DINGTALK: {130101},
    Platform.WECOM: {45009},
    Platform.FEISHU: {9499, 11232},
}
BUSY = {-1}  # "system busy" on DingTalk and WeCom: try again
RATE_LIMIT_WAIT = 60  # seconds: these robots count messages per minute


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request_for(robot: DepartmentRobot, title: str, markdown: str, now: float | None = None):
    """The URL and JSON body that post `markdown` through `robot`, signed where it signs."""
    now = time.time() if now is None else now
    if robot.platform == Platform.DINGTALK:
        url = robot.url
        if robot.secret:
            stamp = int(now * 1000)
            url = _with_query(url, timestamp=stamp, sign=dingtalk_sign(robot.secret, stamp))
        return url, {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    if robot.platform == Platform.WECOM:
        return robot.url, {"msgtype": "markdown", "markdown": {"content": markdown}}
    body = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": title}},
            "elements": [{"tag": "markdown", "content": markdown}],
        },
    }
    if robot.secret:
        stamp = int(now)
        body = {"timestamp": str(stamp), "sign": feishu_sign(robot.secret, stamp), **body}
    return robot.url, body


def post(robot: DepartmentRobot, title: str, markdown: str) -> None:
    """Post through the robot; raises DeliveryError unless the platform says it took it."""
    url, body = request_for(robot, title, markdown)
    _status, answer = post_json(url, body)
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
    if code == 0:
        return
    message = answer.get("errmsg") or answer.get("msg") or "no answer code"
    error = f"{robot.platform} {code}: {message}"
    if code in RATE_LIMITED[robot.platform]:
        raise DeliveryError(error, retry_after=RATE_LIMIT_WAIT)
    if code in BUSY or code is None:
        raise DeliveryError(error)
    raise DeliveryError(error, permanent=True)  # a wrong signature, key or message


def _with_query(url: str, **values) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in values]
    return urlunsplit(parts._replace(query=urlencode([*query, *values.items()])))


def masked(text: str | None) -> str:
    """A secret or a webhook address as pages and commands show it: its start and end, and
    never a credential in full (the URL's query values and path tail are credentials)."""
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme and parts.netloc:
        query = "&".join(f"{k}={_hide(v)}" for k, v in parse_qsl(parts.query))
        path = parts.path.rsplit("/", 1)
        tail = path[1] if len(path) == 2 else ""
        shown = (
            f"{parts.scheme}://{parts.netloc}{path[0]}/{_hide(tail)}"
            if tail
            else (f"{parts.scheme}://{parts.netloc}{parts.path}")
        )
        return f"{shown}?{query}" if query else shown
    return _hide(text)


def _hide(value: str) -> str:
    return value[:3] + "…" + value[-2:] if len(value) > 8 else "…"
