"""Evening peak: simulated officers and verifiers against gunicorn, then checks in the database.

Officers log in, open a lesson, start a quiz, save answers one by one at a human pace (a request every
5-10 s), submit, and download their certificate; verifiers open certificate QR links. The run ramps up
through steps of users, holds each step, and prints JSON per step: requests per second per endpoint,
p50/p95/p99, errors. After the run, every answer a client saw acknowledged must be in the database.
The second scenario is the exam-start storm: N officers, logged in, press "Bắt đầu làm bài" within the same
10 seconds; every attempt must start, none twice.

    .venv/bin/python bench/peak.py --db pg --steps 500,1000,1500 --hold 60
    .venv/bin/python bench/peak.py --db sqlite --steps 250,500 --hold 30
    .venv/bin/python bench/peak.py --db pg --scenario storm --storm-users 500
"""

from gevent import monkey

monkey.patch_all()  # locust runs on gevent; patch before anything opens a socket

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from itertools import count  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from gevent.event import Event  # noqa: E402
from locust import HttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ATTEMPT = re.compile(r"/quizzes/attempts/(\d+)")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/elearn_peak"


class World:
    data: dict = {}
    next_user = count()
    acks = None  # open file: one JSON line per acknowledged answer
    storm_ready = Event()
    storm_logged_in = 0
    storm_users = 0

    @classmethod
    def account(cls) -> dict:
        return cls.data["users"][next(cls.next_user) % len(cls.data["users"])]


def _login(user: HttpUser, email: str) -> str:
    page = user.client.get("/login", name="/login")
    token = CSRF.search(page.text).group(1)
    user.client.post(
        "/login",
        data={"email": email, "password": World.data["password"], "csrf_token": token, "remember": "y"},
        name="/login [POST]",
    )
    quiz_page = user.client.get(f"/quizzes/{World.data['practice_quiz']}", name="/quizzes/[id]")
    return CSRF.search(quiz_page.text).group(1)


class Officer(HttpUser):
    """One officer's evening: lesson, quiz, answers one at a time, submit, certificate; again."""

    wait_time = between(5, 10)
    weight = 9

    def on_start(self):
        self.account = World.account()
        self.csrf = _login(self, self.account["email"])
        self.steps = self._journey()

    def _journey(self):
        while True:
            lesson = random.choice(World.data["lessons"])
            yield lambda lesson=lesson: self.client.get(
                f"/courses/lessons/{lesson}", name="/courses/lessons/[id]"
            )
            yield self._start
            for position in range(1, 21):
                yield lambda position=position: self._answer(position)
            yield self._submit
            yield lambda: self.client.get(
                f"/certificates/{self.account['serial']}/pdf", name="/certificates/[s]/pdf"
            )

    def _start(self):
        with self.client.post(
            f"/quizzes/{World.data['practice_quiz']}/start",
            data={"csrf_token": self.csrf},
            allow_redirects=False,
            name="/quizzes/[id]/start",
            catch_response=True,
        ) as r:
            match = ATTEMPT.search(r.headers.get("Location", ""))
            if r.status_code != 302 or not match:
                r.failure(f"start: {r.status_code} {r.headers.get('Location')}")
                self.attempt = None
                return
            self.attempt = int(match.group(1))
        self.client.get(f"/quizzes/attempts/{self.attempt}", name="/quizzes/attempts/[id]")

    def _answer(self, position: int):
        """Like quiz.js: a save that fails for a transient reason (a dropped connection, 5xx) is retried with
        backoff; only an acknowledged save ({"saved": true}) counts as saved."""
        if not self.attempt:
            return
        response = f"a{random.randint(1, 4)}"
        for retry in range(6):
            with self.client.post(
                f"/quizzes/attempts/{self.attempt}/answer",
                json={"position": position, "response": response},
                headers={"X-CSRFToken": self.csrf},
                name="/quizzes/attempts/[id]/answer",
                catch_response=True,
            ) as r:
                if r.status_code == 200 and r.json().get("saved"):
                    World.acks.write(
                        json.dumps({"attempt": self.attempt, "position": position, "response": response})
                        + "\n"
                    )
                    return
                r.failure(f"answer: {r.status_code} {r.text[:120]}")
                if r.status_code in (400, 401, 403, 404, 409, 422):
                    return  # not transient: quiz.js shows it instead of retrying
            gevent.sleep(min(8, 0.5 * 2**retry))

    def _submit(self):
        if self.attempt:
            self.client.post(
                f"/quizzes/attempts/{self.attempt}/submit",
                data={"csrf_token": self.csrf},
                name="/quizzes/attempts/[id]/submit",
            )

    @task
    def next_step(self):
        next(self.steps)()


class Verifier(HttpUser):
    """Someone scanning a certificate's QR code."""

    wait_time = between(5, 10)
    weight = 1

    @task
    def scan(self):
        token = random.choice(World.data["users"])["token"]
        with self.client.get(f"/v/{token}", name="/v/[token]", catch_response=True) as r:
            if "Hợp lệ" not in r.text:
                r.failure("verification did not say Hợp lệ")


class StormOfficer(HttpUser):
    """Logs in, waits for the whole class, then presses "Bắt đầu làm bài" within the same 10 seconds."""

    wait_time = constant(3600)

    def on_start(self):
        account = World.account()
        self.csrf = _login(self, account["email"])
        World.storm_logged_in += 1
        if World.storm_logged_in >= World.storm_users:
            self.environment.stats.reset_all()  # measure the starts only, every one of them
            World.storm_ready.set()
        World.storm_ready.wait()
        gevent.sleep(random.uniform(0, 10))
        with self.client.post(
            f"/quizzes/{World.data['exam_quiz']}/start",
            data={"csrf_token": self.csrf},
            allow_redirects=False,
            name="STORM /quizzes/[id]/start",
            catch_response=True,
        ) as r:
            if r.status_code != 302 or not ATTEMPT.search(r.headers.get("Location", "")):
                r.failure(f"storm start: {r.status_code} {r.headers.get('Location')}")

    @task
    def idle(self):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare_database(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'peak.sqlite3'}"
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS elearn_peak"],
        check=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE elearn_peak"], check=True
    )
    return PG_URL


def _start_server(db_url: str, workdir: Path, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        ELEARN_INSTANCE=str(workdir),
        SECRET_KEY="peak-secret",
        RATELIMIT_LOGIN="1000000 per minute",
        RATELIMIT_VERIFY="1000000 per minute",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115  (closed with the process)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "app:app",
        ],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()  # noqa: S310  (our own local server)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def _stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _step_report(env: Environment, users: int, seconds: float) -> dict:
    endpoints = {}
    for (name, method), entry in sorted(env.stats.entries.items()):
        if not entry.num_requests:
            continue
        endpoints[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "rps": round(entry.num_requests / seconds, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "failures": entry.num_failures,
        }
    total = env.stats.total
    return {
        "users": users,
        "seconds": round(seconds, 1),
        "requests": total.num_requests,
        "rps": round(total.num_requests / seconds, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "errors": total.num_failures,
        "error_samples": [str(e.error)[:160] for e in list(env.stats.errors.values())[:5]],
        "endpoints": endpoints,
    }


def run_peak(base: str, steps: list[int], spawn_rate: float, hold: float) -> list[dict]:
    env = Environment(user_classes=[Officer, Verifier], host=base)
    runner = env.create_local_runner()
    reports = []
    for users in steps:
        runner.start(users, spawn_rate=spawn_rate)
        while runner.user_count < users:
            gevent.sleep(1)
        gevent.sleep(20)  # let the last logins finish and the new users settle into their pace
        env.stats.reset_all()
        started = time.monotonic()
        gevent.sleep(hold)
        reports.append(_step_report(env, users, time.monotonic() - started))
        print(json.dumps({k: v for k, v in reports[-1].items() if k != "endpoints"}), file=sys.stderr)
    runner.quit()
    return reports


def run_storm(base: str, users: int) -> dict:
    World.storm_users = users
    env = Environment(user_classes=[StormOfficer], host=base)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=100)
    while not World.storm_ready.is_set():
        gevent.sleep(0.1)
    started = time.monotonic()
    gevent.sleep(15)
    report = _step_report(env, users, time.monotonic() - started)
    runner.quit()
    return report


def _check(db_url: str, workdir: Path, world: Path, acks: Path | None, storm_users: int) -> dict:
    cmd = [
        PY,
        str(ROOT / "bench" / "peak_world.py"),
        "check",
        "--db",
        db_url,
        "--instance",
        str(workdir),
        "--world",
        str(world),
        "--storm-users",
        str(storm_users),
    ]
    if acks is not None:
        cmd += ["--acks", str(acks)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--scenario", choices=["peak", "storm", "both"], default="both")
    parser.add_argument("--steps", default="500,1000,1500")
    parser.add_argument("--hold", type=float, default=60)
    parser.add_argument("--spawn-rate", type=float, default=5, help="officers arriving per second")
    parser.add_argument("--storm-users", type=int, default=500)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="elearn-peak-"))
    db_url = _prepare_database(args.db, workdir)
    world = workdir / "world.json"
    accounts = max(args.accounts, max(steps), args.storm_users)
    subprocess.run(
        [
            PY,
            str(ROOT / "bench" / "peak_world.py"),
            "setup",
            "--db",
            db_url,
            "--instance",
            str(workdir),
            "--users",
            str(accounts),
            "--world",
            str(world),
        ],
        check=True,
    )
    World.data = json.loads(world.read_text())
    server, base = _start_server(db_url, workdir, args.workers, args.threads)
    result = {
        "database": args.db,
        "gunicorn": f"{args.workers} workers x {args.threads} threads",
        "pace": "one request every 5-10 s per user",
    }
    try:
        acks = None
        if args.scenario in ("peak", "both"):
            acks = workdir / "acks.jsonl"
            with acks.open("w") as World.acks:
                result["peak"] = run_peak(base, steps, args.spawn_rate, args.hold)
            good = [s["users"] for s in result["peak"] if s["errors"] == 0 and s["p95_ms"] < 300]
            result["sustained_users"] = max(good, default=0)
            broke = [s["users"] for s in result["peak"] if s["errors"] or s["p95_ms"] >= 300]
            result["breaks_at_users"] = min(broke, default=None)
        if args.scenario in ("storm", "both"):
            World.next_user = count()  # the storm's officers are fresh accounts of the same pool
            result["storm"] = run_storm(base, args.storm_users)
    finally:
        _stop_server(server)
    result["checks"] = _check(
        db_url, workdir, world, acks, args.storm_users if args.scenario in ("storm", "both") else 0
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
