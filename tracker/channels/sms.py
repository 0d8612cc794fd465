"""SMS through the HTTP gateway a city contracts: a JSON body built from TRACKER_SMS_BODY
(its string values may hold {mobile} and {text}), with TRACKER_SMS_TOKEN as a bearer token.
A 2xx answer is taken as accepted, unless its JSON carries a code that is not a success."""

from __future__ import annotations

from flask import current_app

from .http import DeliveryError, post_json

SUCCESS = (0, "0", "OK", "ok", 200, "200", True)
CODE_FIELDS = ("code", "errcode", "Code", "status")


def send(mobile: str, text: str) -> None:
    config = current_app.config
    body = _filled(config["SMS_BODY"], {"mobile": mobile, "text": text})
    headers = {"Authorization": f"Bearer {config['SMS_TOKEN']}"} if config["SMS_TOKEN"] else {}
    _status, answer = post_json(config["SMS_URL"], body, headers)
    for field in CODE_FIELDS:
        if field in answer and answer[field] not in SUCCESS:
            detail = answer.get("message") or answer.get("msg") or answer.get("Message") or ""
            raise DeliveryError(
                f"SMS gateway {field}={answer[field]} {detail}".strip(), permanent=True
            )


def _filled(template, values: dict):
    """The template with {mobile} and {text} put into its strings (never into its keys or
    its structure: a message cannot change the JSON's shape)."""
    if isinstance(template, dict):
        return {key: _filled(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_filled(value, values) for value in template]
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
    return template
