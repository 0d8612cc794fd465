"""Configuration from the environment, with defaults that work on a fresh machine."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .paths import PROJECT_ROOT

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_SENDER = "Policy Tracker <tracker@localhost>"  # its name is said in the reader's language


def from_environment(instance_path: str | Path, environ: dict[str, str] | None = None) -> dict:
    """Read the settings of DESIGN.md from environment variables."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    timezone = env.get("TRACKER_TIMEZONE", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"TRACKER_TIMEZONE={timezone!r} is not a known time zone") from error
    config: dict[str, Any] = {
        "SECRET_KEY": env.get("SECRET_KEY") or instance_secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance / 'tracker.db'}"
        ),
        "TRACKER_TIMEZONE": timezone,
        "TRACKER_SCHEDULER": env.get("TRACKER_SCHEDULER", "off"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": timezone,
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "TRACKER_BASE_URL": env.get("TRACKER_BASE_URL", "http://127.0.0.1:5000"),
        "TRACKER_AMBER_DAYS": int(env.get("TRACKER_AMBER_DAYS", "7")),
        # Pins "today" for pages (YYYY-MM-DD), for demos and tests; unset in production.
        "TRACKER_TODAY": env.get("TRACKER_TODAY") or None,
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "480")),
        "SESSION_MAX_HOURS": int(env.get("SESSION_MAX_HOURS", "168")),
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind TLS: Secure cookies, HSTS, https links. Behind N reverse proxies: trust N hops
        # of X-Forwarded-*. Only these Host headers are answered (empty: any).
        "TRACKER_HTTPS": _flag(env.get("TRACKER_HTTPS")),
        "TRACKER_PROXIES": int(env.get("TRACKER_PROXIES", "0")),
        "TRUSTED_HOSTS": _list(env.get("TRACKER_TRUSTED_HOSTS")) or None,
        "TRACKER_LOG_JSON": _flag(env.get("TRACKER_LOG_JSON")),
        "SERVER_TIMING": _flag(env.get("TRACKER_SERVER_TIMING")),
        # The scheduler's heartbeat and leader lease; a dead leader is replaced within the lease.
        "SCHEDULER_HEARTBEAT_SECONDS": int(env.get("TRACKER_HEARTBEAT_SECONDS", "30")),
        "SCHEDULER_LEASE_SECONDS": int(env.get("TRACKER_LEASE_SECONDS", "90")),
        # Overrides of the reminder rules, as JSON: {"send_hour": 8, "before_days": [5, 1]}.
        "REMINDER_POLICY": _json(env.get("TRACKER_REMINDER_POLICY")),
        "SESSION_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # A pasted speech is a form field: room above the speech limit (512 KB), so the
        # speech check, not a bare 413, tells the person what is wrong and keeps their input.
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", DEFAULT_SENDER),
        # Group robots and the SMS gateway (tracker/channels/): seconds to wait for an answer;
        # the gateway's address, its bearer token and the JSON body it takes, whose string
        # values may hold {mobile} and {text}.
        "CHANNEL_TIMEOUT": float(env.get("TRACKER_CHANNEL_TIMEOUT", "10")),
        # Email last month's 督查通报 to each city's supervisors (tracker/documents/mailing.py).
        "MONTHLY_BULLETIN": _flag(env.get("TRACKER_MONTHLY_BULLETIN", "on")),
        "SMS_URL": env.get("TRACKER_SMS_URL") or None,
        "SMS_TOKEN": env.get("TRACKER_SMS_TOKEN") or None,
        "SMS_BODY": _sms_body(env.get("TRACKER_SMS_BODY")),
    }
    return config


DEFAULT_SMS_BODY = {"mobile": "{mobile}", "text": "{text}"}


def _sms_body(value: str | None) -> dict:
    if not value:
        return DEFAULT_SMS_BODY
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"TRACKER_SMS_BODY is not valid JSON: {error}") from None
    if not isinstance(parsed, dict) or "{mobile}" not in value or "{text}" not in value:
        raise RuntimeError("TRACKER_SMS_BODY must be a JSON object using {mobile} and {text}")
    return parsed


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _json(value: str | None) -> dict:
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"TRACKER_REMINDER_POLICY is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise RuntimeError("TRACKER_REMINDER_POLICY must be a JSON object")
    return parsed


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain PostgreSQL URLs (SQLAlchemy assumes psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance: Path) -> str:
    """The secret key kept under instance/, generated once on first use.

    Several workers may start at once: the file is created exclusively, and a loser of the
    race reads the winner's key.
    """
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if not key:
            raise RuntimeError(f"{path} is empty: delete it or set SECRET_KEY") from None
        return key
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
