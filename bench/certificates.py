"""Benchmark: certificate PDFs per second in one process, with and without the QR code.

    .venv/bin/python bench/certificates.py [--renders 300] [--base-url https://...]

Prints one JSON object. The inputs look like one real batch: every certificate has its own holder, date of
birth, serial, course and signed token, while the issuing unit, place and signer are shared. Tokens are signed
before the timed loops, so the figures are for rendering alone; token signing is timed on its own.

bench_verification serves the real app with gunicorn (by default 2 gthread workers x 2 threads as `make run`;
`--threads 0` for sync workers; a free port, a throwaway SQLite database holding one issued certificate, rate
limits off) and measures GET /v/<token> per second (signature check, one indexed query, the page, one log row
committed), against a minimal Flask page on the same gunicorn settings (the ceiling). Client threads open a
new connection per request, as phones scanning a QR code do.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elearn.certificates.design import load_design  # noqa: E402
from elearn.certificates.pdf import CertificateFields, render_certificate  # noqa: E402
from elearn.certificates.qr import encode_url  # noqa: E402
from elearn.certificates.tokens import (  # noqa: E402
    TokenRecord,
    build_verify_url,
    generate_keypair,
    parse_and_verify,
    sign_record,
)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Thị", "Văn", "Hữu", "Đức", "Ngọc", "Thanh", "Minh", "Thu", "Quốc", "Xuân", "Thùy"]
GIVEN = ["Tùng", "Hương", "Dũng", "Phượng", "Quỳnh", "Khánh", "Nguyệt", "Thắng", "Hạnh", "Lực", "Yến", "Bảo"]
COURSES = [
    "Kỹ năng thương lượng tập thể và đối thoại tại nơi làm việc",
    "Nghiệp vụ công tác tài chính công đoàn cơ sở",
    "Công tác kiểm tra, giám sát của Ủy ban Kiểm tra công đoàn",
    "Bồi dưỡng cán bộ công đoàn cơ sở mới được bầu",
]
# A long real-world style name (Huế royal-family style), for the QR size figures.
LONG_NAME = "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Như"


def make_batch(count: int, base_url: str, seed: int = 7) -> list[tuple[CertificateFields, str]]:
    rng = random.Random(seed)
    private_key, _ = generate_keypair()
    batch = []
    for i in range(count):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        fields = CertificateFields(
            serial=f"HN-2026-{i + 1:06d}",
            holder_name=name,
            date_of_birth=date(1965, 1, 1) + timedelta(days=rng.randrange(14000)),
            type_name="Bồi dưỡng nghiệp vụ công tác công đoàn",
            course_title=rng.choice(COURSES),
            class_code=f"BD-2026-{rng.randrange(1, 40):02d}",
            hours=rng.choice([24, 32, 40, 7.5]),
            result=rng.choice(["Đạt", "Khá", "Giỏi", "Xuất sắc"]),
            issue_date=date(2026, 11, 22),
            expiry_date=None,
            place="Hà Nội",
            issuing_unit="LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI",
            signer_name="Trần Văn Hùng",
            signer_title="TM. Ban Thường vụ\nChủ tịch",
        )
        token = sign_record(_record(fields, "BDNV"), private_key, "2026a")
        batch.append((fields, build_verify_url(base_url, token)))
    return batch


def _record(fields: CertificateFields, type_code: str) -> TokenRecord:
    return TokenRecord(
        serial=fields.serial,
        holder_name=fields.holder_name,
        date_of_birth=fields.date_of_birth,
        type_code=type_code,
        issue_date=fields.issue_date,
        expiry_date=fields.expiry_date,
    )


def bench_render(batch: list[tuple[CertificateFields, str]], rounds: int = 3) -> dict:
    """Render the batch `rounds` times with and without the QR code; the best round is the figure to
    compare (the others measure the machine's other load), the median is reported beside it."""
    load_design()  # fonts and design are parsed once per process, outside the timing
    render_certificate(*batch[0])
    result = {}
    for label, with_qr in (("with_qr", True), ("without_qr", False)):
        rates, size = [], 0
        for _ in range(rounds):
            started = time.perf_counter()
            size = 0
            for fields, url in batch:
                size += len(render_certificate(fields, url if with_qr else None))
            rates.append(len(batch) / (time.perf_counter() - started))
        result[label] = {
            "renders_per_round": len(batch),
            "rounds": rounds,
            "pdfs_per_second": round(max(rates), 1),
            "pdfs_per_second_median": round(statistics.median(rates), 1),
            "ms_per_pdf": round(1000 / max(rates), 2),
            "mean_pdf_bytes": size // len(batch),
        }
    return result


def bench_tokens(base_url: str, count: int = 1000) -> dict:
    private_key, public_key = generate_keypair()
    record = TokenRecord(
        serial="HN-2026-000123",
        holder_name=LONG_NAME,
        date_of_birth=date(1985, 3, 12),
        type_code="BDNV",
        issue_date=date(2026, 11, 22),
        expiry_date=date(2031, 11, 22),
    )
    started = time.perf_counter()
    for _ in range(count):
        token = sign_record(record, private_key, "2026a")
    signed = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(count):
        parse_and_verify(token, {"2026a": public_key})
    verified = time.perf_counter() - started
    url = build_verify_url(base_url, token)
    return {
        "long_name": LONG_NAME,
        "token_chars": len(token),
        "url_chars": len(url),
        "qr_version": encode_url(url).version,
        "signs_per_second": round(count / signed),
        "verifies_per_second": round(count / verified),
    }


CEILING_APP = """from flask import Flask

app = Flask(__name__)


@app.route("/v/<token>")
def page(token):
    return "<!doctype html><title>ok</title><p>Hợp lệ</p>"
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare_verify_db(root: Path) -> str:
    """A throwaway database with one issued certificate; returns its token."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    import elearn.models  # noqa: F401
    from elearn import migrations
    from elearn.certificates.issuing import Issuer, issue
    from elearn.certificates.models import CertificateType
    from elearn.courses.models import Course, Lesson, Module
    from elearn.courses.progress import mark_lesson_done
    from elearn.db import Base, make_engine
    from elearn.officers.models import Officer
    from elearn.orgs.models import UnitKind
    from elearn.orgs.services import create_unit
    from elearn.reference import ensure_reference_data

    url = f"sqlite:///{root / 'bench.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    now = datetime(2026, 11, 22, 2, 0)
    with Session(engine) as session:
        ensure_reference_data(session)
        kind = session.scalar(select(UnitKind).where(UnitKind.code == "LDLD_TINH"))
        unit = create_unit(
            session, code="HN", name="Liên đoàn Lao động Thành phố Hà Nội", kind=kind, serial_prefix="HN"
        )
        course = Course(code="TLTT", title=COURSES[0], hours=16)
        course.modules.append(Module(position=1, title="Học phần 1"))
        course.modules[0].lessons.append(Lesson(position=1, slug="bai-1", title="Bài 1"))
        officer = Officer(code="B1", full_name="Nguyễn Thị Thanh Tùng", date_of_birth=date(1985, 3, 12))
        ctype = CertificateType(
            code="BDNV",
            name="Bồi dưỡng nghiệp vụ công tác công đoàn",
            issuing_unit_id=unit.id,
            signer_name="Trần Văn Hùng",
            signer_title="Chủ tịch",
            place="Hà Nội",
        )
        session.add_all([course, officer])
        session.flush()
        ctype.course_id = course.id
        session.add(ctype)
        session.flush()
        mark_lesson_done(session, officer.id, course.modules[0].lessons[0].id, now)
        issuer = Issuer(str(root / "instance"), "https://daotao.congdoan.vn", now.date(), now)
        cert, _ = issue(session, None, type_id=ctype.id, officer_id=officer.id, class_id=None, issuer=issuer)
        session.commit()
        token = cert.token
    engine.dispose()
    return token


def _serve(args: list[str], cwd: Path, env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads else []),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        *args,
    ]
    log = open(cwd / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 (the server outlives this function)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {(cwd / f'gunicorn-{port}.log').read_text()[-2000:]}")


def _load(port: int, path: str, seconds: float, clients: int, expect: bytes) -> float:
    """Requests per second over `seconds` from `clients` threads, after a short warm-up."""
    counts = [0] * clients
    errors: list[bytes] = []
    stop = 0.0

    def run(index: int) -> None:
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            body = conn.getresponse().read()
            conn.close()
            if expect not in body:
                errors.append(body)
                return
            counts[index] += 1

    for _ in range(20):  # warm-up: imports, caches, the first connection to the database
        run_once = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        run_once.request("GET", path)
        run_once.getresponse().read()
        run_once.close()
    stop = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} unexpected pages, e.g. {errors[0][:200]!r}")
    return sum(counts) / elapsed


def bench_verification(seconds: float = 4.0, clients: int = 4, workers: int = 2, threads: int = 2) -> dict:
    root = Path(tempfile.mkdtemp(prefix="elearn-bench-"))
    try:
        token = _prepare_verify_db(root)
        (root / "ceiling.py").write_text(CEILING_APP, encoding="utf-8")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
        results = {}
        for label, args, expect in (
            ("ceiling", ["ceiling:app"], "Hợp lệ".encode()),
            ("verify", ["elearn:create_app({'RATELIMIT_ENABLED': False})"], b'verdict-valid"'),
        ):
            port = _free_port()
            process = _serve(args, root, env, port, workers, threads)
            try:
                results[label] = _load(port, f"/v/{token}", seconds, clients, expect)
            except RuntimeError:
                sys.stderr.write((root / f"gunicorn-{port}.log").read_text()[-3000:])
                raise
            finally:
                process.terminate()
                process.wait(timeout=20)
        return {
            "gunicorn": (
                f"{workers} gthread workers x {threads} threads" if threads else f"{workers} sync workers"
            )
            + ", new connection per request",
            "client_threads": clients,
            "seconds": seconds,
            "ceiling_pages_per_second": round(results["ceiling"], 1),
            "verifications_per_second": round(results["verify"], 1),
            "percent_of_ceiling": round(100 * results["verify"] / results["ceiling"], 1),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base-url", default="https://daotao.congdoan.vn")
    parser.add_argument("--verify-seconds", type=float, default=4.0)
    parser.add_argument("--skip-verify", action="store_true", help="only the PDF and token figures")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (as `make run`)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker; 0: sync workers")
    args = parser.parse_args(argv)
    batch = make_batch(args.renders, args.base_url)
    typical_url = batch[0][1]
    report = {
        "render": bench_render(batch, args.rounds),
        "typical": {"url_chars": len(typical_url), "qr_version": encode_url(typical_url).version},
        "token": bench_tokens(args.base_url),
    }
    if not args.skip_verify:
        report["verification"] = bench_verification(
            args.verify_seconds, workers=args.workers, threads=args.threads
        )
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
