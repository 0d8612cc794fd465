"""`make bench`: build deterministic data at several sizes, serve it with gunicorn and the
repo's gunicorn.conf.py (2 workers x 2 threads), and measure each page's p50/p95, size and
throughput next to /healthz in the same run, plus reminder planning and sending against a
local SMTP server. Writes bench-output/bench.json and bench-output/bench.md.

    python bench/run.py [--sizes 1000,10000,100000] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TODAY = "2026-06-15"
PG_ADMIN = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PAGES = [
    ("/healthz", None),
    ("/", "supervisor"),
    ("/my", "staff"),
    ("/my", "supervisor"),
    ("/items", "supervisor"),
    ("/items?light=red&sort=-due", "supervisor"),
    ("/items/{item}", "supervisor"),
    ("/boards", "admin"),
    ("/boards/{city}", "supervisor"),
    ("/items.csv?city={city}", "supervisor"),
    ("/api/v1/items?city={city}", "api"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database(kind: str, folder: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def _build(env: dict, items: int, cities: int) -> dict:
    subprocess.run([BIN / "tracker", "db", "upgrade"], env=env, check=True, capture_output=True)
    # The data, statistics as autovacuum would gather them, then the snapshots the
    # scheduler makes each day (timed: the cost of a day's first board view without it).
    code = (
        "import json, time, datetime\n"
        "from tracker import create_app; from bench.data import build\n"
        "from tracker.boards import history; from tracker.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    today = datetime.date.fromisoformat('{TODAY}')\n"
        f"    accounts = build({items}, {cities}, today)\n"
        "    with db.engine.connect() as c:\n"
        "        c.exec_driver_sql('ANALYZE'); c.commit()\n"
        "    start = time.perf_counter(); history.keep_up(today)\n"
        "    accounts['snapshots_s'] = round(time.perf_counter() - start, 2)\n"
        "    print(json.dumps(accounts))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode:
        raise SystemExit(f"Building the data failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": "bench password 2026"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    return session


def _api_session(base: str, email: str) -> requests.Session:
    session = _sign_in(base, email)
    page = session.get(f"{base}/account/tokens").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    page = session.post(f"{base}/account/tokens", data={"csrf_token": token, "name": "bench"}).text
    secret = re.search(r"<code[^>]*>([A-Za-z0-9_\-\.]{20,})</code>", page).group(1)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {secret}"
    return api


def _measure(session: requests.Session, url: str, count: int, seconds: float) -> dict:
    for _ in range(2):
        session.get(url)
    times, database, size = [], [], 0
    for _ in range(count):
        start = time.perf_counter()
        response = session.get(url)
        times.append(time.perf_counter() - start)
        size = len(response.content)
        assert response.status_code == 200, (url, response.status_code)
        timing = re.search(r"db;dur=([\d.]+);desc=\"(\d+)", response.headers["Server-Timing"])
        database.append((float(timing.group(1)), int(timing.group(2))))
    times.sort()
    done = [0]
    stop = time.monotonic() + seconds

    def hammer():
        local = requests.Session()
        local.cookies.update(session.cookies)
        local.headers.update(session.headers)
        while time.monotonic() < stop:
            try:
                local.get(url)
            except requests.ConnectionError:  # a worker recycled (max_requests) mid-keepalive
                continue
            done[0] += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
        "sql_ms": round(statistics.median(d[0] for d in database), 1),
        "statements": database[-1][1],
        "kb": round(size / 1024, 1),
        "rps": round(done[0] / seconds, 1),
    }


def _memory_mb(pid: int) -> tuple[float, float]:
    """The server's memory, master and workers: the sum of their resident sizes (pages the
    workers share counted in each) and of their proportional sizes (each shared page
    counted once, split between the processes that share it)."""
    pids = [pid] + [
        int(p)
        for p in subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
    ]
    rss = pss = 0
    for p in pids:
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return round(rss / 1024, 1), round(pss / 1024, 1)


def _reminders(env: dict) -> dict:
    """Plan and send the day's reminders (timed inside the process, without its start-up)
    against a local SMTP server, then send the very same messages again with a bare
    smtplib loop over one connection: the sender's rate as a share of that."""
    import smtplib

    from aiosmtpd.controller import Controller

    class Sink:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):
            Sink.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
            return "250 OK"

    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    code = (
        "import json, time, datetime\n"
        "from tracker import create_app; from tracker.extensions import db\n"
        "from tracker.reminders.cli import end_of\n"
        "from tracker.reminders.planning import plan_due\n"
        "from tracker.reminders.sending import send_due\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    now = end_of(datetime.date.fromisoformat('{TODAY}'))\n"
        "    start = time.perf_counter(); plan = plan_due(now); db.session.commit()\n"
        "    planned = time.perf_counter() - start\n"
        "    start = time.perf_counter(); report = send_due(now, 'bench')\n"
        "    sent = time.perf_counter() - start\n"
        "    print(json.dumps({'plan_s': round(planned, 2), 'lines': len(plan.lines),\n"
        "                      'send_s': round(sent, 2), 'sent': report.sent}))"
    )
    try:
        mail_env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
        out = subprocess.run(
            [sys.executable, "-c", code], env=mail_env, capture_output=True, text=True, cwd=ROOT
        )
        if out.returncode:
            raise SystemExit(f"Planning or sending failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        messages = list(Sink.messages)
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for sender, recipients, content in messages:
                smtp.sendmail(sender, recipients, content)
        bare = time.perf_counter() - start
        result["emails"] = len(messages)
        result["send_per_s"] = round(len(messages) / max(result["send_s"], 1e-6), 1)
        result["bare_smtplib_per_s"] = round(len(messages) / max(bare, 1e-6), 1)
        result["with_pdf"] = sum(b"application/pdf" in m[2] for m in messages)
        result["kb_per_email"] = round(
            sum(len(m[2]) for m in messages) / 1024 / max(1, len(messages)), 1
        )
        return result
    finally:
        controller.stop()


def run_one(kind: str, items: int, requests_per_page: int, seconds: float) -> dict:
    cities = max(2, items // 2000)
    with tempfile.TemporaryDirectory() as folder:
        url, drop = _database(kind, Path(folder))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "TRACKER_TODAY": TODAY,
            "TRACKER_SERVER_TIMING": "on",  # each page's statements and their time
            "WEB_CONCURRENCY": "2",
            "PYTHONPATH": str(ROOT),
        }
        try:
            start = time.perf_counter()
            accounts = _build(env, items, cities)
            built = round(time.perf_counter() - start, 1)
            port = _free_port()
            server = subprocess.Popen(
                [
                    BIN / "gunicorn",
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--access-logfile",
                    "/dev/null",
                    "wsgi:app",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if requests.get(f"{base}/healthz", timeout=1).ok:
                        break
                except requests.RequestException:  # not listening yet, or still starting
                    time.sleep(0.2)
            sessions = {
                "staff": _sign_in(base, accounts["staff"]),
                "supervisor": _sign_in(base, accounts["supervisor"]),
                "admin": _sign_in(base, accounts["admin"]),
                "api": _api_session(base, accounts["supervisor"]),
                None: requests.Session(),
            }
            pages = {}
            for path, who in PAGES:
                url_path = path.format(city=accounts["city"], item=accounts["item"])
                pages[f"{path} ({who})" if who else path] = _measure(
                    sessions[who], base + url_path, requests_per_page, seconds
                )
            rss, pss = _memory_mb(server.pid)
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            health = pages["/healthz"]["rps"] or 1
            for figures in pages.values():
                figures["share_of_healthz"] = round(figures["rps"] / health, 3)
            return {
                "database": kind,
                "items": items,
                "cities": cities,
                "build_s": built,
                "snapshots_s": accounts["snapshots_s"],
                "pages": pages,
                "server_rss_mb": rss,
                "server_pss_mb": pss,
                "reminders": _reminders(env),
            }
        finally:
            drop()


def markdown(results: list[dict]) -> str:
    lines = []
    for result in results:
        lines.append(
            f"### {result['items']:,} items, {result['cities']} cities, {result['database']}"
            f" (server memory {result['server_pss_mb']} MB proportional, "
            f"{result['server_rss_mb']} MB resident; the day's snapshots "
            f"{result['snapshots_s']} s)\n"
        )
        r = result["reminders"]
        lines.append(
            f"Reminders: planning {r['plan_s']} s ({r['lines']:,} lines); sending {r['send_s']} s "
            f"({r['emails']:,} emails of {r['kb_per_email']} KB, {r['with_pdf']:,} of them with "
            f"PDFs rendered for them, {r['send_per_s']}/s; a bare "
            f"smtplib loop sends the same at {r['bare_smtplib_per_s']}/s)\n"
        )
        lines.append(
            "| page | p50 ms | p95 ms | SQL ms (statements) | p50 / SQL | KB | req/s "
            "| share of /healthz |"
        )
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for page, f in result["pages"].items():
            ratio = f"{f['p50_ms'] / f['sql_ms']:.1f}" if f["sql_ms"] >= 0.5 else "–"
            lines.append(
                f"| `{page}` | {f['p50_ms']} | {f['p95_ms']} | {f['sql_ms']} ({f['statements']}) "
                f"| {ratio} | {f['kb']} | {f['rps']} | {f['share_of_healthz']:.0%} |"
            )
        lines.append("")
    lines += growth(results)
    return "\n".join(lines)


def growth(results: list[dict]) -> list[str]:
    """Per database: each page's p50 at each size, and how much it grew from the smallest
    size to the largest (a city's page should cost what the city holds)."""
    lines = []
    for kind in dict.fromkeys(r["database"] for r in results):
        runs = sorted((r for r in results if r["database"] == kind), key=lambda r: r["items"])
        if len(runs) < 2:
            continue
        sizes = " | ".join(f"{r['items']:,}" for r in runs)
        lines.append(f"### p50 ms by size, {kind}\n")
        lines.append(f"| page | {sizes} | largest / smallest |")
        lines.append("| --- |" + " --- |" * (len(runs) + 1))
        for page in runs[0]["pages"]:
            p50 = [r["pages"][page]["p50_ms"] for r in runs]
            cells = " | ".join(str(v) for v in p50)
            lines.append(f"| `{page}` | {cells} | {p50[-1] / max(p50[0], 0.1):.1f}× |")
        lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0)  # of 4 clients, per page
    parser.add_argument("--out", default=str(ROOT / "bench-output"))
    args = parser.parse_args()
    results = []
    for kind in args.databases.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"{kind}, {size:,} items ...", flush=True)
            results.append(run_one(kind, size, args.requests, args.seconds))
            print(markdown(results[-1:]), flush=True)
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    (out / "bench.md").write_text(markdown(results))
    print(f"Written to {out}/bench.md and bench.json")


if __name__ == "__main__":
    main()
