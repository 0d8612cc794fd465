"""SMS through the HTTP gateway a city contracts: a JSON body built from TRACKER_SMS_BODY
(its string values may hold {mobile} and {text}), with TRACKER_SMS_TOKEN as a bearer token.
A 2xx answer is taken as accepted, unless its JSON carries a code that is not a success."""

from __future__ import annotations

from flask import current_app

from .http import DeliveryError, post_json

CODE_FIELDS = ("code", "errcode", "Code", "status")
SUCCESS_WORDS = {"0", "ok", "success", "succeeded", "200"}


def send(mobile: str, text: str) -> None:
    config = current_app.config
    body = _filled(config["SMS_BODY"], {"mobile": mobile, "text": text})
    headers = {"Authorization": f"Bearer {config['SMS_TOKEN']}"} if config["SMS_TOKEN"] else {}
    answer = post_json(config["SMS_URL"], body, headers)
    if answer.overloaded:
        raise DeliveryError(f"SMS gateway HTTP {answer.status}", retry_after=answer.retry_after)
    if answer.status >= 300:
        raise DeliveryError(f"SMS gateway HTTP {answer.status}", permanent=True)
    for field in CODE_FIELDS:
        if field in answer.body and not _success(answer.body[field]):
            reply = answer.body
            detail = str(reply.get("message") or reply.get("msg") or reply.get("Message") or "")
            raise DeliveryError(
                f"SMS gateway {field}={answer.body[field]} {detail[:200]}".strip(), permanent=True
            )


def _success(value) -> bool:
    """A gateway's code that says the message was taken: 0, 200, "OK", "success"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value in (0, 200)
    return str(value).strip().lower() in SUCCESS_WORDS


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
