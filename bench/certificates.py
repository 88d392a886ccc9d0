"""Benchmark: certificate PDFs per second in one process, with and without the QR code.

    .venv/bin/python bench/certificates.py [--renders 300] [--base-url https://...]

Prints one JSON object. The inputs look like one real batch: every certificate has its own holder, date of
birth, serial, course and signed token, while the issuing unit, place and signer are shared. Tokens are signed
before the timed loops, so the figures are for rendering alone; token signing is timed on its own.

The verification-through-gunicorn part is not here yet: add it as a function next to bench_render and
bench_tokens that returns its own dict, and merge its result in main().
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elearn.certificates.pdf import CertificateFields, load_design, render_certificate  # noqa: E402
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base-url", default="https://daotao.congdoan.vn")
    args = parser.parse_args(argv)
    batch = make_batch(args.renders, args.base_url)
    typical_url = batch[0][1]
    report = {
        "render": bench_render(batch, args.rounds),
        "typical": {"url_chars": len(typical_url), "qr_version": encode_url(typical_url).version},
        "token": bench_tokens(args.base_url),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
