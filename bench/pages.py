"""Throughput of a logged-in lesson page against a minimal Flask page under the same gunicorn settings.

Builds a fresh SQLite database with the real migrations and `seed-demo`, starts gunicorn (the app, then a
one-route Flask app as the ceiling) with the same workers and threads on a free port, logs in as
officer@demo.vn, and drives each for a fixed time with keep-alive HTTP connections from client threads.
Prints JSON: requests per second, p50/p99 latency (ms), errors, and lesson/ceiling ratios.

    .venv/bin/python bench/pages.py [--duration 10] [--clients 8] [--workers 2] [--threads 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CEILING_APP = """\
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "<!doctype html><title>ok</title><p>ok</p>"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(target: str, port: int, env: dict, cwd: Path, opts) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(opts.workers),
            "--threads",
            str(opts.threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn did not start on port {port}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def cookies_from(response: http.client.HTTPResponse, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def login(port: int, email: str, password: str) -> tuple[dict, str]:
    """Logs in through the real form; returns the cookies and the lesson "Tiếp tục học" points to."""
    jar: dict = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookies_from(response, jar)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urlencode({"email": email, "password": password, "csrf_token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)}
    conn.request("POST", "/login", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    cookies_from(response, jar)
    if response.status != 302:
        raise SystemExit(f"login failed: HTTP {response.status}")
    conn.request("GET", "/", headers={"Cookie": cookie_header(jar)})
    response = conn.getresponse()
    home = response.read().decode()
    cookies_from(response, jar)  # the CSRF token this page adds to the session, kept as a browser would
    conn.close()
    match = re.search(r'href="(/courses/lessons/\d+)">Tiếp tục học', home)
    if not match:
        raise SystemExit("the demo officer's home page has no 'Tiếp tục học' link")
    return jar, match.group(1)


def load(port: int, path: str, headers: dict, duration: float, clients: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker():
        mine: list[float] = []
        bad = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) if latencies else 0.0
        )

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = dict(os.environ)
        env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            SECRET_KEY="bench-secret",
            RATELIMIT_LOGIN="1000 per minute",
            PYTHONPATH=str(ROOT),
        )
        flask = str(BIN / "flask")
        run([flask, "--app", "app", "db", "upgrade"], env)
        # Tables of models whose migration is not written yet (as the test suite does); a no-op otherwise.
        create_all = "import elearn.models, os; from elearn.db import Base, make_engine; "
        create_all += "Base.metadata.create_all(make_engine(os.environ['DATABASE_URL']))"
        run([sys.executable, "-c", create_all], env)
        run([flask, "--app", "app", "seed-demo"], env)
        (tmp_path / "ceiling_app.py").write_text(CEILING_APP)

        results: dict = {
            "gunicorn": {"workers": opts.workers, "threads": opts.threads},
            "clients": opts.clients,
            "duration_s": opts.duration,
        }
        port = free_port()
        proc = start_gunicorn("ceiling_app:app", port, env, tmp_path, opts)
        try:
            load(port, "/", {}, 1.0, opts.clients)  # warm-up
            results["ceiling"] = load(port, "/", {}, opts.duration, opts.clients)
        finally:
            stop(proc)

        port = free_port()
        proc = start_gunicorn("app:app", port, env, ROOT, opts)
        try:
            jar, lesson = login(port, "officer@demo.vn", "demo12345")
            headers = {"Cookie": cookie_header(jar)}
            load(port, lesson, headers, 1.0, opts.clients)  # warm-up
            results["lesson"] = {"path": lesson, **load(port, lesson, headers, opts.duration, opts.clients)}
            # For context: the app's own floor (a public route that runs one SELECT 1 through every hook).
            results["app_healthz"] = load(port, "/healthz", {}, opts.duration / 2, opts.clients)
        finally:
            stop(proc)

    ceiling, lesson = results["ceiling"], results["lesson"]
    results["ratio_rps"] = round(lesson["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None
    results["ratio_p99"] = round(lesson["p99_ms"] / ceiling["p99_ms"], 2) if ceiling["p99_ms"] else None
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
