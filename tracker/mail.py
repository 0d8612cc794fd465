"""The one way mail leaves the tracker: multipart text + HTML from `templates/email/`,
sent over SMTP, or written as .eml files under instance/mail/ when no SMTP server is set."""

from __future__ import annotations

import re
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import gettext as _

from .config import DEFAULT_SENDER

_UNSAFE_HEADER = re.compile(r"[\r\n\x00-\x1f]+")


def external_url(endpoint: str, **values) -> str:
    """An absolute link built from TRACKER_BASE_URL, never from a request's Host header."""
    return _base_adapter().build(endpoint, values, force_external=True)


def _base_adapter():
    """The URL map bound to TRACKER_BASE_URL, once per app and address (a daily email builds
    a link per line)."""
    address = current_app.config["TRACKER_BASE_URL"]
    adapters = current_app.extensions.setdefault("tracker_base_adapters", {})
    if address not in adapters:
        base = urlsplit(address)
        adapters[address] = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
        )
    return adapters[address]


def compose(
    to: str, name: str | None, subject: str, template: str, message_id: str | None = None, **ctx
) -> EmailMessage:
    """Build the message from `email/<template>.txt` and `.html`."""
    message = EmailMessage()
    message["Subject"] = _header(subject)
    message["From"] = _sender()
    message["Date"] = formatdate(localtime=True)
    message["To"] = formataddr((_header(name or ""), to))
    message["Message-ID"] = message_id or make_msgid(domain=sender_domain())
    message.set_content(render_template(f"email/{template}.txt", **ctx))
    message.add_alternative(render_template(f"email/{template}.html", **ctx), subtype="html")
    return message


def _sender() -> str:
    """MAIL_DEFAULT_SENDER; with its default name, the tracker's name in the reader's
    language ("督查督办系统 <…>")."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    name, address = parseaddr(sender)
    if name == parseaddr(DEFAULT_SENDER)[0]:
        return formataddr((_header(str(_("Policy Tracker"))), address))
    return sender


def deliver(message: EmailMessage) -> None:
    """Hand one message to SMTP, or write it to instance/mail/. Raises smtplib errors."""
    with MailConnection() as connection:
        connection.send(message)


class MailConnection:
    """One SMTP connection reused for many messages (a sender's whole run), opened at the
    first message. After an error it is closed, and the next message opens a new one; a
    reused connection that the server has dropped meanwhile is reopened once at once."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> MailConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        if not current_app.config.get("MAIL_SERVER"):
            _write_eml(message)
            return
        reused = self._smtp is not None
        try:
            self._open().send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            self._open().send_message(message)  # dropped while idle: one new connection
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server is closing the connection
                self.close()
            raise
        except (smtplib.SMTPException, OSError):
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _open(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        config = current_app.config
        host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        timeout = config.get("MAIL_TIMEOUT", 30)
        context = ssl.create_default_context()
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


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
