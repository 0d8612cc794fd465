"""One HTTPS POST of JSON to a robot or a gateway. What an answer means for the outbox (try
again later, or give up) is the caller's to say; what cannot even be sent is said here."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from flask import current_app

MAX_ANSWER = 64 * 1024  # bytes of an answer read: a robot's answer is a few dozen
MAX_WAIT = 3600  # seconds: the longest wait an answer may ask for


class DeliveryError(Exception):
    """A message did not go. `permanent`: sending it again cannot help. `retry_after`: the
    seconds to wait at least (a rate limit). The text never holds the address: it is a
    credential."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = min(retry_after, MAX_WAIT) if retry_after else None


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict  # the JSON answer, {} if it was not a JSON object
    retry_after: int | None  # seconds, from a Retry-After header

    @property
    def overloaded(self) -> bool:
        """429 or 5xx: the other side asks us to come back later."""
        return self.status == 429 or self.status >= 500


def post_json(url: str, body: dict, headers: dict | None = None) -> Answer:
    """POST `body` as JSON and read the answer, whatever its status. Raises DeliveryError to
    retry on timeouts, refused or reset connections, and a permanent one when the address
    cannot be used at all."""
    try:
        request = urllib.request.Request(
            url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
            method="POST",
        )
        timeout = current_app.config["CHANNEL_TIMEOUT"]
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, wait = response.status, response.read(MAX_ANSWER), None
    except urllib.error.HTTPError as error:
        status, raw = error.code, _read(error)
        wait = _seconds(error.headers.get("Retry-After") if error.headers else None)
    except (ValueError, UnicodeError) as error:  # a malformed address (it is not repeated)
        raise DeliveryError(f"{type(error).__name__}: unusable address", permanent=True) from None
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
        reason = getattr(error, "reason", None)
        detail = type(reason).__name__ if isinstance(reason, BaseException) else "no answer"
        raise DeliveryError(f"{type(error).__name__}: {detail}") from None
    try:
        answer = json.loads(raw.decode("utf-8", "replace")) if raw else {}
    except json.JSONDecodeError:
        answer = {}
    return Answer(status, answer if isinstance(answer, dict) else {}, wait)


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(MAX_ANSWER)
    except (OSError, http.client.HTTPException):
        return b""


def _seconds(value: str | None) -> int | None:
    value = (value or "").strip()
    return min(int(value), MAX_WAIT) if value.isdigit() and len(value) < 10 else None
