"""Quiz answer saves against gunicorn, on SQLite and PostgreSQL, and in-process grading throughput.

    .venv/bin/python bench/quiz.py [--seconds 4] [--officers 64] [--pg URL] [--no-pg | --no-sqlite]

For each database: a throwaway database built by the real migrations, one quiz of 40 questions (true/false,
single choice, multiple response, short answer), `--officers` officers each with an account and an attempt
in progress. gunicorn serves the real app (`--workers` gthread workers × `--threads`, by default 2 × 2 as
`make run`, a free port, rate limits off).
Client processes log every officer in over HTTP (login page, login, a CSRF token from the attempt's token
endpoint), then post answers exactly as quiz.js does (JSON {position, response}, X-CSRFToken header,
keep-alive connections) for `--seconds`. Every answer carries a unique value, so after the run the stored
rows are compared with the last acknowledged answer of each (attempt, position): `lost` must be 0.
The ceiling is GET /healthz (one SELECT 1) on the same gunicorn. Grading: 40-question attempts graded and
flushed in one process. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import elearn.models  # noqa: E402, F401
from elearn import migrations  # noqa: E402
from elearn.accounts import services as account_services  # noqa: E402
from elearn.accounts.models import Role  # noqa: E402
from elearn.courses.models import Course, Enrolment  # noqa: E402
from elearn.db import Base, make_engine, utcnow  # noqa: E402
from elearn.officers.models import Officer  # noqa: E402
from elearn.quizzes import attempts, quiz_services  # noqa: E402
from elearn.quizzes.formats.gift import parse_gift  # noqa: E402
from elearn.quizzes.grading import grade_attempt  # noqa: E402
from elearn.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion  # noqa: E402
from elearn.quizzes.qtypes import data_from_parsed  # noqa: E402
from elearn.quizzes.quiz_models import AttemptQuestion, QuizAttempt  # noqa: E402
from elearn.quizzes.quiz_seed import simulated_response  # noqa: E402
from elearn.reference import ensure_reference_data  # noqa: E402

_REGISTRY = Path(__file__).resolve().with_name("registry.py")
_spec = importlib.util.spec_from_file_location("bench_registry", _REGISTRY)
registry = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(registry)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/elearn_bench_quiz"
PASSWORD = "benchpass123"
ROOT = Path(__file__).resolve().parent.parent


def _gift(n: int = 40) -> str:
    out = ["$CATEGORY: Bench"]
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append(f"::B{i}:: Câu đúng sai số {i} {{T}}")
        elif kind == 1:
            out.append(f"::B{i}:: Câu một lựa chọn số {i} {{=Đúng ~Sai một ~Sai hai ~Sai ba}}")
        elif kind == 2:
            out.append(f"::B{i}:: Câu nhiều lựa chọn số {i} {{~%50%A ~%50%B ~%-100%C ~%-100%D}}")
        else:
            out.append(f"::B{i}:: Câu điền số {i} {{=công đoàn =công đoàn cơ sở}}")
    return "\n\n".join(out) + "\n"


def build(url: str, n_officers: int) -> list[dict]:
    """The database: users, one 40-question quiz, an attempt per officer. Returns what the clients need."""
    registry.recreate_database(url)
    migrations.upgrade(url)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    account_services.HASH_METHOD["method"] = "scrypt:1024:8:1"
    rng = random.Random(11)
    with Session(engine) as s:
        ensure_reference_data(s)
        trainer = account_services.create_user(
            s, None, email="gv@bench.vn", full_name="Giảng viên", role=Role.TRAINER, password=PASSWORD
        )
        course = Course(code="BENCH", title="Chuyên đề đo tải", owner_id=trainer.id)
        s.add(course)
        s.flush()
        bank = QuestionBank(code="BENCH", title="Ngân hàng đo tải", owner_id=trainer.id, course_id=course.id)
        s.add(bank)
        s.flush()
        cat = QuestionCategory(bank_id=bank.id, name="Bench", path="Bench")
        s.add(cat)
        s.flush()
        for parsed in parse_gift(_gift()):
            qtype, data = data_from_parsed(parsed)
            q = Question(bank_id=bank.id, category_id=cat.id)
            s.add(q)
            s.flush()
            v = QuestionVersion(question_id=q.id, version=1, qtype=qtype, name=parsed.name, data=data)
            s.add(v)
            s.flush()
            q.current_version_id = v.id
        quiz = quiz_services.create_quiz(
            s, trainer, quiz_services.QuizSettings(title="Đo tải", attempts_allowed=0), course_id=course.id
        )
        quiz_services.add_random_slot(s, trainer, quiz.id, category_id=cat.id, count=40, mark=1)
        plans = []
        for i in range(n_officers):
            person = Officer(code=f"B{i:05d}", full_name=f"Học viên {i}")
            s.add(person)
            s.flush()
            s.add(Enrolment(course_id=course.id, officer_id=person.id))
            user = account_services.create_user(
                s,
                None,
                email=f"hv{i}@bench.vn",
                full_name=person.full_name,
                role=Role.OFFICER,
                password=PASSWORD,
                officer_id=person.id,
                must_change_password=False,
            )
            attempt = attempts.start_attempt(s, user, quiz.id, utcnow(), rng)
            questions = [
                {"position": aq.position, "qtype": aq.version.qtype, "data": aq.version.data}
                for aq in attempt.questions
            ]
            plans.append({"email": user.email, "attempt_id": attempt.id, "questions": questions})
        s.commit()
    engine.dispose()
    return plans


# -- HTTP client ------------------------------------------------------------------------------
_COOKIE = re.compile(r"^([^=;\s]+)=([^;]*)")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Browser:
    """One officer's cookies over the thread's keep-alive connection (`link[0]`, reopened when closed)."""

    def __init__(self, link: list, factory):
        self.link, self.factory = link, factory
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for retry in range(2):
            try:
                self.link[0].request(method, path, body=body, headers=headers)
                res = self.link[0].getresponse()
                data = res.read()
                break
            except (http.client.HTTPException, OSError):
                self.link[0].close()
                self.link[0] = self.factory()
                if retry:
                    raise
        for value in res.headers.get_all("Set-Cookie") or []:
            m = _COOKIE.match(value)
            if m:
                self.cookies[m.group(1)] = m.group(2)
        return res.status, data


def _login(browser: Browser, plan: dict) -> str:
    status, page = browser.request("GET", "/login")
    m = _CSRF.search(page.decode())
    token = m.group(1) or m.group(2)
    form = f"email={plan['email']}&password={PASSWORD}&csrf_token={token}".replace("@", "%40")
    for _ in range(20):
        # Concurrent logins on SQLite can hit "database is locked" (the login view reads, then writes, in
        # one deferred transaction); retry: the figures measured are answer saves, not logins.
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _ = browser.request("POST", "/login", form, headers)
        if status == 302:
            break
        time.sleep(0.05)
    assert status == 302, f"login failed: {status}"
    status, body = browser.request(
        "GET", f"/quizzes/attempts/{plan['attempt_id']}/token", headers={"Accept": "application/json"}
    )
    assert status == 200, f"token: {status}"
    return json.loads(body)["csrf_token"]


def _client_process(port, plans, threads, start_at, seconds, out_queue):
    results = {"latencies": [], "errors": 0, "acked": {}, "statuses": {}}
    lock = threading.Lock()

    def factory():
        return http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def worker(my_plans, seed):
        rng = random.Random(seed)
        link = [factory()]
        officers = []
        for plan in my_plans:
            b = Browser(link, factory)
            officers.append((plan, b, _login(b, plan)))
        lat, errors, acked, statuses = [], 0, {}, {}
        while time.time() < start_at:
            time.sleep(0.005)
        stop = start_at + seconds
        counter = 0
        while time.time() < stop:
            plan, b, token = officers[counter % len(officers)]
            counter += 1
            q = rng.choice(plan["questions"])
            if q["qtype"] == "short_answer":
                response = f"đáp án {seed}-{counter}"
            else:
                response = simulated_response(q["qtype"], q["data"], rng.random() < 0.5, rng)
            body = json.dumps({"position": q["position"], "response": response})
            t0 = time.perf_counter()
            try:
                status, data = b.request(
                    "POST",
                    f"/quizzes/attempts/{plan['attempt_id']}/answer",
                    body,
                    {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
                )
            except (OSError, http.client.HTTPException):
                status, data = 0, b""
            lat.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200 and json.loads(data).get("saved"):
                acked[(plan["attempt_id"], q["position"])] = response
            else:
                errors += 1
        with lock:
            results["latencies"].extend(lat)
            results["errors"] += errors
            results["acked"].update(acked)
            for k, v in statuses.items():
                results["statuses"][k] = results["statuses"].get(k, 0) + v

    chunks = [plans[i::threads] for i in range(threads)]
    ts = [threading.Thread(target=worker, args=(c, os.getpid() * 100 + i)) for i, c in enumerate(chunks) if c]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    results["acked"] = [[k[0], k[1], v] for k, v in results["acked"].items()]
    out_queue.put(results)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(url: str, port: int, workdir: Path, gunicorn: tuple[int, int]) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "gunicorn", "--worker-class", "gthread",
        "--workers", str(gunicorn[0]), "--threads", str(gunicorn[1]),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "elearn:create_app({'RATELIMIT_ENABLED': False})",
    ]  # fmt: skip
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115  (a pipe nobody reads would block the server)
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {(workdir / 'gunicorn.log').read_text()[-2000:]}")


def _ceiling(port: int, seconds: float, threads: int) -> float:
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def run(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            counts[i] += 1

    started = time.perf_counter()
    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def bench_saves(
    url: str, officers: int, seconds: float, gunicorn: tuple[int, int], procs: int = 2, threads: int = 8
) -> dict:
    plans = build(url, officers)
    workdir = Path(tempfile.mkdtemp(prefix="elearn-bench-quiz-"))
    port = _free_port()
    server = _serve(url, port, workdir, gunicorn)
    try:
        queue = multiprocessing.Queue()
        start_at = time.time() + 3 + officers * 0.02  # time for every officer to log in first
        ps = [
            multiprocessing.Process(
                target=_client_process, args=(port, plans[i::procs], threads, start_at, seconds, queue)
            )
            for i in range(procs)
        ]
        for p in ps:
            p.start()
        parts = [queue.get(timeout=120 + seconds) for _ in ps]
        for p in ps:
            p.join()
        ceiling = _ceiling(port, min(seconds, 3), threads)
    finally:
        server.terminate()
        server.wait(timeout=20)
    latencies = sorted(x for part in parts for x in part["latencies"])
    acked = {(a, p): v for part in parts for a, p, v in part["acked"]}
    engine = make_engine(url)
    with Session(engine) as s:
        rows = s.execute(
            select(AttemptQuestion.attempt_id, AttemptQuestion.position, AttemptQuestion.response).where(
                AttemptQuestion.response.is_not(None)
            )
        ).all()
    engine.dispose()
    stored = {(r.attempt_id, r.position): r.response for r in rows}
    lost = sum(1 for k, v in acked.items() if stored.get(k) != v)
    statuses: dict = {}
    for part in parts:
        for k, v in part["statuses"].items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    saves = sum(v for k, v in statuses.items() if k == "200")
    return {
        "officers": officers,
        "seconds": seconds,
        "saves": saves,
        "saves_per_second": round(saves / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2) if latencies else None,
        "errors": sum(part["errors"] for part in parts),
        "statuses": statuses,
        "acknowledged_distinct_answers": len(acked),
        "stored_answers": len(stored),
        "lost": lost,
        "ceiling_healthz_per_second": round(ceiling, 1),
    }


def bench_grading(n_attempts: int = 200) -> dict:
    root = Path(tempfile.mkdtemp(prefix="elearn-bench-grade-"))
    url = f"sqlite:///{root / 'grade.sqlite3'}"
    build(url, n_attempts)
    engine = make_engine(url)
    rng = random.Random(5)
    with Session(engine) as s:
        todo = s.scalars(select(QuizAttempt)).all()
        for a in todo:
            for aq in a.questions:
                aq.response = simulated_response(aq.version.qtype, aq.version.data, rng.random() < 0.6, rng)
        s.flush()
        started = time.perf_counter()
        for a in todo:
            grade_attempt(s, a)
        elapsed = time.perf_counter() - started
        s.rollback()
    engine.dispose()
    return {"attempts": len(todo), "questions_each": 40, "attempts_per_second": round(len(todo) / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--officers", type=int, default=64)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (as `make run`)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (as `make run`)")
    args = parser.parse_args()
    gunicorn = (args.workers, args.threads)
    out = {
        "gunicorn": f"{args.workers} gthread workers x {args.threads} threads",
        "client": "2 processes x 8 threads, keep-alive",
    }
    if not args.no_sqlite:
        tmp = Path(tempfile.mkdtemp(prefix="elearn-bench-sqlite-"))
        out["sqlite"] = bench_saves(
            f"sqlite:///{tmp / 'quiz.sqlite3'}", args.officers, args.seconds, gunicorn
        )
    if not args.no_pg:
        try:
            out["postgresql"] = bench_saves(args.pg, args.officers, args.seconds, gunicorn)
        except Exception as exc:  # noqa: BLE001  (report, do not hide the SQLite figures)
            out["postgresql"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    out["grading_40_questions"] = bench_grading()
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
