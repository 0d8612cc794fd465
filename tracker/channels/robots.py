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

# Answers that mean "too many messages": DingTalk throttles a robot for 10 minutes after 20
# messages in a minute; WeCom allows 20 a minute; Feishu 100 a minute (11232, or 99991400
# with HTTP 429 or 400).
RATE_LIMITED = {
    Platform.DINGTALK: {130101},
    Platform.WECOM: {45009},
    Platform.FEISHU: {11232, 99991400},
}
RATE_LIMIT_WAIT = {Platform.DINGTALK: 600, Platform.WECOM: 60, Platform.FEISHU: 60}
BUSY = {-1}  # "system busy" on DingTalk and WeCom: try again
# The longest markdown each takes (WeCom: 4,096 bytes of content); a message is cut to fit.
MAX_BYTES = {Platform.DINGTALK: 15000, Platform.WECOM: 4000, Platform.FEISHU: 20000}


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
    # The card's header holds the title; its markdown element takes no heading lines.
    text = markdown.removeprefix(f"### {title}").lstrip("\n")
    body = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": title}},
            "elements": [{"tag": "markdown", "content": text}],
        },
    }
    if robot.secret:
        stamp = int(now)
        body = {"timestamp": str(stamp), "sign": feishu_sign(robot.secret, stamp), **body}
    return robot.url, body


def post(robot: DepartmentRobot, title: str, markdown: str) -> None:
    """Post through the robot; raises DeliveryError unless the platform says it took it."""
    url, body = request_for(robot, title, markdown)
    answer = post_json(url, body)
    reply = answer.body
    code = reply.get("errcode", reply.get("code", reply.get("StatusCode")))
    if answer.status == 200 and code == 0:
        return
    message = str(reply.get("errmsg") or reply.get("msg") or "no answer code")[:200]
    error = f"{robot.platform} HTTP {answer.status} {code}: {message}"
    if code in RATE_LIMITED[robot.platform] or answer.status == 429:
        wait = max(RATE_LIMIT_WAIT[robot.platform], answer.retry_after or 0)
        raise DeliveryError(error, retry_after=wait)
    if answer.overloaded or code in BUSY:
        raise DeliveryError(error, retry_after=answer.retry_after)
    if answer.status != 200 or code is not None:
        raise DeliveryError(error, permanent=True)  # a wrong signature, key or message
    raise DeliveryError(error)  # an answer without a code: try again


def _with_query(url: str, **values) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in values]
    return urlunsplit(parts._replace(query=urlencode([*query, *values.items()])))


def masked(text: str | None) -> str:
    """A secret, a webhook address or a mobile number as pages and commands show it: never a
    credential in full. An address keeps its host (which platform) and its last 4
    characters (which robot); user, path and query, where the credentials are, go."""
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:
        scheme = host = None
    if scheme and host:
        return f"{scheme}://{host}/…{text[-4:]}" if len(text) > 12 else "…"
    return text[:3] + "…" + text[-2:] if len(text) > 8 else "…"
