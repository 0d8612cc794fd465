"""Real HTTP servers on loopback that keep the contracts of the DingTalk, WeCom and Feishu
group robots and of an SMS gateway: they check the credential and the signature as the
platform does, answer its success and error codes, count messages per minute (a robot takes
20), and can be told to fail, answer slowly or be down."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DINGTALK_TOKEN, DINGTALK_SECRET = "dt-token-0123456789", "SECdingtalk0123456789"
WECOM_KEY = "wecom-key-0123456789"
FEISHU_HOOK, FEISHU_SECRET = "feishu-hook-0123456789", "feishu-secret-0123456789"
SMS_TOKEN = "sms-token-0123456789"
PER_MINUTE = 20


class Platforms:
    """What each platform received (`received[platform]`: the JSON bodies it accepted),
    and the faults to play: `script` (answers for the next requests: an HTTP status, or
    a platform error code), `delay` (seconds before each answer)."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict]] = defaultdict(list)
        self.refused: dict[str, list[str]] = defaultdict(list)
        self.script: list = []
        self.delay = 0.0
        self.per_minute = PER_MINUTE
        self.sms_answer: dict | None = None  # what the gateway answers, if not success
        self.retry_after: str | None = None  # a Retry-After header on scripted errors
        self.recent: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def urls(self) -> dict[str, str]:
        return {
            "dingtalk": f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}",
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/{FEISHU_HOOK}",
            "sms": f"{self.base}/sms/send",
        }

    def answer(self, platform: str, query: dict, headers, body: dict) -> tuple[int, dict]:
        with self.lock:
            if self.script:
                scripted = self.script.pop(0)
                if isinstance(scripted, int) and scripted >= 300:
                    return scripted, {"error": "scripted"}
                return 200, _error(platform, scripted)
            problem = _check(platform, query, headers, body)
            if problem:
                self.refused[platform].append(problem[1])
                return 200, _error(platform, problem[0], problem[1])
            now = time.time()
            recent = [t for t in self.recent[platform] if now - t < 60]
            if platform != "sms" and len(recent) >= self.per_minute:
                self.recent[platform] = recent
                limit = {"dingtalk": 130101, "wecom": 45009, "feishu": 11232}[platform]
                return 200, _error(platform, limit, "send too fast")
            self.recent[platform] = [*recent, now]
            self.received[platform].append(body)
            if platform == "sms" and self.sms_answer is not None:
                return 200, self.sms_answer
            return 200, _error(platform, 0, "ok")


def _error(platform: str, code: int, message: str = "error") -> dict:
    if platform == "feishu":
        return {"code": code, "msg": message}
    if platform == "sms":
        return {"code": code, "message": message}
    return {"errcode": code, "errmsg": message}


def _check(platform: str, query: dict, headers, body: dict):
    """The platform's own checks: (its error code, why) when the request is refused."""
    if platform == "dingtalk":
        if query.get("access_token") != [DINGTALK_TOKEN]:
            return 300001, "token is not exist"
        stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 3600_000:
            return 310000, "invalid timestamp"
        expected = hmac.new(
            DINGTALK_SECRET.encode(), f"{stamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
        ).digest()
        if sign != base64.b64encode(expected).decode():
            return 310000, "sign not match"
        if body.get("msgtype") != "markdown" or not body["markdown"].get("text"):
            return 40035, "missing markdown"
    elif platform == "wecom":
        if query.get("key") != [WECOM_KEY]:
            return 93000, "invalid webhook url"
        if body.get("msgtype") != "markdown" or not body["markdown"].get("content"):
            return 40008, "invalid message type"
        if len(body["markdown"]["content"].encode()) > 4096:
            return 40058, "content exceed max length 4096"
    elif platform == "feishu":
        stamp = str(body.get("timestamp", ""))
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 3600:
            return 19021, "timestamp is not within one hour"
        expected = hmac.new(f"{stamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
        if body.get("sign") != base64.b64encode(expected).decode():
            return 19021, "sign match fail"
    elif headers.get("Authorization") != f"Bearer {SMS_TOKEN}":
        return 401, "bad token"
    return None


def start(port: int = 0) -> Platforms:
    platforms = Platforms()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                body = {}
            if parts.path == "/robot/send":
                platform = "dingtalk"
            elif parts.path == "/cgi-bin/webhook/send":
                platform = "wecom"
            elif parts.path == f"/open-apis/bot/v2/hook/{FEISHU_HOOK}":
                platform = "feishu"
            elif parts.path == "/sms/send":
                platform = "sms"
            else:
                self.send_error(404)
                return
            if platforms.delay:
                time.sleep(platforms.delay)
            status, answer = platforms.answer(platform, parse_qs(parts.query), self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            if status >= 400 and platforms.retry_after:
                self.send_header("Retry-After", platforms.retry_after)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    platforms.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=platforms.server.serve_forever, daemon=True).start()
    return platforms
