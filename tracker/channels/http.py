"""One HTTPS POST of JSON to a robot or a gateway, and what its failure means for the outbox:
try again later (server errors, timeouts, rate limits) or give up (the request is wrong)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from flask import current_app

MAX_ANSWER = 64 * 1024  # bytes of an answer read: a robot's answer is a few dozen


class DeliveryError(Exception):
    """A message did not go. `permanent`: sending it again cannot help. `retry_after`: the
    seconds the other side asked us to wait (a rate limit)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: int | None = None):
        super().__init__(message)
        self.permanent, self.retry_after = permanent, retry_after


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    """POST `body` as JSON; the status and the JSON answer ({} if it is not JSON). Raises a
    DeliveryError to retry on timeouts, refused connections and 5xx or 429 answers, and a
    permanent one on other 4xx answers."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=current_app.config["CHANNEL_TIMEOUT"]) as r:
            status, raw = r.status, r.read(MAX_ANSWER)
    except urllib.error.HTTPError as error:
        retry = error.code == 429 or error.code >= 500
        raise DeliveryError(
            f"HTTP {error.code} {error.reason}",
            permanent=not retry,
            retry_after=_seconds(error.headers.get("Retry-After")) if retry else None,
        ) from None
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"{type(error).__name__}: {reason}") from None
    try:
        answer = json.loads(raw.decode("utf-8", "replace")) if raw else {}
    except json.JSONDecodeError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


def _seconds(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
