"""The one way mail leaves the tracker: multipart text + HTML from `templates/email/`,
sent over SMTP, or written as .eml files under instance/mail/ when no SMTP server is set."""

from __future__ import annotations

import re
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template

_UNSAFE_HEADER = re.compile(r"[\r\n\x00-\x1f]+")


def external_url(endpoint: str, **values) -> str:
    """An absolute link built from TRACKER_BASE_URL, never from a request's Host header."""
    base = urlsplit(current_app.config["TRACKER_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def compose(
    to: str, name: str | None, subject: str, template: str, message_id: str | None = None, **ctx
) -> EmailMessage:
    """Build the message from `email/<template>.txt` and `.html`."""
    message = EmailMessage()
    message["Subject"] = _header(subject)
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = formataddr((_header(name or ""), to))
    message["Message-ID"] = message_id or make_msgid(domain=sender_domain())
    message.set_content(render_template(f"email/{template}.txt", **ctx))
    message.add_alternative(render_template(f"email/{template}.html", **ctx), subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    """Hand the message to SMTP, or write it to instance/mail/. Raises smtplib errors."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_eml(message)
        return
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    timeout = config.get("MAIL_TIMEOUT", 30)
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _write_eml(message: EmailMessage) -> Path:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", message["Message-ID"]).strip("-")[:60]
    path = folder / f"{stamp}-{slug}.eml"
    path.write_bytes(message.as_bytes())
    current_app.logger.info("Mail to %s written to %s (no MAIL_SERVER set)", message["To"], path)
    return path


def _header(value: str) -> str:
    """Header text with no line breaks or control characters, so nothing can be injected."""
    return _UNSAFE_HEADER.sub(" ", value).strip()


def sender_domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = sender.rsplit("@", 1)[-1].strip(" >")
    return domain or "localhost"
