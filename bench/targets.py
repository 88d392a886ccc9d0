"""Target dashboards at federation scale: 100,000 officers in 5,000 units with 300,000 certificates.

Builds the registry with bench/registry.py's build (Core bulk inserts), adds certificate types and
certificates (some revoked, some expired) and four targets set by the top unit, then times (median and p95,
milliseconds) the top unit's dashboard (every target with its child-unit breakdown, the same service the
page uses) and a mid-level unit's dashboard for its staff, on SQLite and PostgreSQL. Prints JSON.

    .venv/bin/python bench/targets.py [--officers 100000] [--units 5000] [--pg URL] [--no-pg] [--repeat 10]
        [--sqlite PATH] [--reuse]

--sqlite keeps the SQLite database at PATH; --reuse times databases built by an earlier run (same sizes)
without rebuilding them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import elearn.models  # noqa: E402, F401
from elearn import migrations  # noqa: E402
from elearn.accounts.models import User  # noqa: E402
from elearn.certificates.models import Certificate, CertificateType  # noqa: E402
from elearn.db import Base, make_engine  # noqa: E402
from elearn.officers.models import PositionTitle  # noqa: E402
from elearn.orgs.models import OrgUnit, Sector  # noqa: E402
from elearn.targets import standing  # noqa: E402
from elearn.targets.dashboard import unit_dashboard  # noqa: E402
from elearn.targets.models import Target  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_registry", ROOT / "bench" / "registry.py")
registry = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(registry)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/elearn_bench_targets"
TODAY = registry.TODAY


def add_certificates(engine, n_officers: int, n_certs: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with Session(engine) as s:
        types = []
        for code, name in (
            ("LLNV", "Chứng chỉ lý luận và nghiệp vụ công tác công đoàn"),
            ("ATVSLD", "Chứng chỉ an toàn, vệ sinh lao động"),
            ("TC", "Chứng chỉ tài chính công đoàn"),
        ):
            ctype = CertificateType(
                code=code,
                name=name,
                issuing_unit_id=1,
                signer_name="A",
                signer_title="Chủ tịch",
                place="Hà Nội",
            )
            s.add(ctype)
            types.append(ctype)
        s.commit()
        type_ids = [t.id for t in types]
    rows = []
    for i in range(1, n_certs + 1):
        officer = rng.randint(1, n_officers)
        roll = rng.random()
        issued = TODAY - timedelta(days=rng.randint(1, 2000))
        rows.append(
            dict(
                id=i,
                serial=f"B-{i:07d}",
                type_id=rng.choice(type_ids),
                officer_id=officer,
                class_key=i,
                holder_name="Cán bộ",
                course_title="Chứng chỉ",
                issue_date=issued,
                expiry_date=(TODAY - timedelta(days=5)) if roll < 0.1 else (issued + timedelta(days=1825)),
                issuing_unit_id=1,
                signer_name="A",
                signer_title="Chủ tịch",
                place="Hà Nội",
                status="revoked" if roll > 0.95 else "valid",
                token="t",
                key_id="k",
                pdf_path="x.pdf",
                pdf_sha256="0" * 64,
            )
        )
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Certificate), rows[start : start + 5000])
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('certificate', 'id'), "
                    "(SELECT max(id) FROM certificate))"
                )
            )
        conn.execute(text("ANALYZE"))


def add_targets(engine) -> None:
    with Session(engine) as s:
        llnv, atvsld, tc = (
            s.scalar(select(CertificateType.id).where(CertificateType.code == c))
            for c in ("LLNV", "ATVSLD", "TC")
        )
        chair = s.scalar(select(PositionTitle.id).where(PositionTitle.code == "CT"))
        non_state = list(s.scalars(select(Sector.id).where(Sector.code.in_(("NGOAI_NN", "FDI")))))
        common = dict(
            scope_unit_id=1, deadline=date(2026, 12, 31), required_percent=100, title_ids=[], sector_ids=[]
        )
        s.add_all(
            [
                Target(
                    name="Chuyên trách có chứng chỉ LLNV", full_time=True, certificate_type_id=llnv, **common
                ),
                Target(
                    name="Mới bổ sung có chứng chỉ LLNV", newly_added=True, certificate_type_id=llnv, **common
                ),
                Target(
                    name="Chủ tịch CĐCS ngoài nhà nước ≥ 1.000 đoàn viên",
                    certificate_type_id=tc,
                    min_member_count=1000,
                    **{**common, "title_ids": [chair], "sector_ids": non_state},
                ),
                Target(name="Mọi cán bộ có chứng chỉ ATVSLĐ", certificate_type_id=atvsld, **common),
            ]
        )
        s.commit()


def measure(engine, repeat: int) -> dict:
    results = {}
    with Session(engine) as s:
        admin = s.scalar(select(User).where(User.email == "admin@bench.vn"))
        staff = s.scalar(select(User).where(User.email == "staff@bench.vn"))
        for label, actor, unit in (
            ("top_unit", admin, s.get(OrgUnit, 1)),
            ("mid_level_unit", staff, s.get(OrgUnit, 2)),
        ):
            rows = unit_dashboard(s, actor, unit, TODAY)
            results[label] = {
                "children": len(rows[0].children),
                "targets": [
                    {
                        "name": r.target.name,
                        "numerator": r.figures.numerator,
                        "denominator": r.figures.denominator,
                    }
                    for r in rows
                ],
                "dashboard": registry.timed(lambda a=actor, u=unit: unit_dashboard(s, a, u, TODAY), repeat),
            }
    return results


def refresh_standing(engine) -> dict:
    """What `flask targets refresh-standing` does after a bulk load (the Core inserts above bypass the
    certificate services, and the trigger leaves no row for their officers): timed, as it runs daily."""
    with Session(engine) as s:
        start = time.perf_counter()
        standing.refresh(s, None, TODAY)
        s.commit()
        seconds = time.perf_counter() - start
    # Rewriting every row leaves as many dead ones; autovacuum (or SQLite's ANALYZE) would catch up
    # within a minute of such a change, and the timings are of that steady state.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        vacuum = "VACUUM ANALYZE officer_standing" if engine.dialect.name == "postgresql" else "ANALYZE"
        conn.execute(text(vacuum))
    return {"standing_refresh_seconds": round(seconds, 2)}


def create_schema(engine) -> None:
    """The targets tables until the lead's migration exists, and the indexes the targets models declare on
    other features' tables (create_all skips the indexes of tables that already exist)."""
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            for index in table.indexes:
                index.create(conn, checkfirst=True)


def run(url: str, args) -> dict:
    if args.reuse:
        engine = make_engine(url)
        create_schema(engine)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        result = {"build_seconds": None, **refresh_standing(engine), **measure(engine, args.repeat)}
        engine.dispose()
        return result
    registry.recreate_database(url)
    migrations.upgrade(url)
    engine = make_engine(url)
    create_schema(engine)
    start = time.perf_counter()
    registry.build(engine, args.officers, args.units)
    add_certificates(engine, args.officers, args.certificates)
    add_targets(engine)
    built = time.perf_counter() - start
    result = {"build_seconds": round(built, 1), **refresh_standing(engine), **measure(engine, args.repeat)}
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--certificates", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--sqlite", help="keep the SQLite database at this path (default: a temporary file)")
    parser.add_argument("--reuse", action="store_true", help="time the databases of an earlier run")
    args = parser.parse_args()
    report = {
        "officers": args.officers,
        "units": args.units,
        "certificates": args.certificates,
        "target_ms": 300,
    }
    if args.sqlite and not args.no_sqlite:
        path = Path(args.sqlite)
        if not args.reuse:
            path.unlink(missing_ok=True)
        report["sqlite"] = run(f"sqlite:///{path}", args)
    elif not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            report["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    if not args.no_pg:
        report["postgresql"] = run(args.pg, args)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
