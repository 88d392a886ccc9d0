"""Officer registry at federation scale: 100,000 officers in 5,000 units, on SQLite and PostgreSQL.

Builds the data with the real migrations, then times (median and p95 of repeated runs, milliseconds):
a subtree unit count, the officer count of a subtree, and a filtered, paginated officer list through the same
service the web page uses, for the top unit (admin) and for a mid-level unit (its staff). Prints JSON.

    .venv/bin/python bench/registry.py [--officers 100000] [--units 5000] [--pg URL] [--no-pg]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from elearn import migrations  # noqa: E402
from elearn.accounts import services as account_services  # noqa: E402
from elearn.accounts.models import Role, User  # noqa: E402
from elearn.db import make_engine  # noqa: E402
from elearn.officers.models import Officer, Position, PositionTitle, search_key  # noqa: E402
from elearn.officers.services import OfficerFilter, count_officers, list_officers  # noqa: E402
from elearn.orgs.models import OrgUnit, Sector, Term, UnitKind  # noqa: E402
from elearn.orgs.services import subtree_count  # noqa: E402
from elearn.reference import ensure_reference_data  # noqa: E402
from elearn.vietnamese import name_sort_key  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/elearn_bench"
TODAY = date(2026, 11, 22)


def build(engine, n_officers: int, n_units: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with Session(engine) as s:
        ensure_reference_data(s)
        s.commit()
        kinds = {k.code: k.id for k in s.scalars(select(UnitKind))}
        sectors = [x.id for x in s.scalars(select(Sector))]
        titles = [t.id for t in s.scalars(select(PositionTitle).order_by(PositionTitle.rank))]
        terms = {t.code: t for t in s.scalars(select(Term))}
    upper = 50
    per_upper = (n_units - 1 - upper) // upper
    units = [
        dict(
            id=1,
            code="TOP",
            name="Liên đoàn Lao động Thành phố",
            kind_id=kinds["LDLD_TINH"],
            parent_id=None,
            path="/1/",
            depth=0,
            member_count=0,
            sector_id=None,  # every row must carry every key: executemany takes the keys of the first row
        )
    ]
    grassroots = []
    next_id = 2
    for u in range(upper):
        uid = next_id
        next_id += 1
        units.append(
            dict(
                id=uid,
                code=f"U{u:03d}",
                name=f"Công đoàn cấp trên số {u}",
                kind_id=kinds["CD_XA_PHUONG"],
                parent_id=1,
                path=f"/1/{uid}/",
                depth=1,
                member_count=0,
                sector_id=None,
            )
        )
        for g in range(per_upper):
            gid = next_id
            next_id += 1
            units.append(
                dict(
                    id=gid,
                    code=f"U{u:03d}-{g:03d}",
                    name=f"Công đoàn cơ sở {u}-{g}",
                    kind_id=kinds["CDCS"],
                    parent_id=uid,
                    path=f"/1/{uid}/{gid}/",
                    depth=2,
                    sector_id=rng.choice(sectors),
                    member_count=rng.randint(10, 5000),
                )
            )
            grassroots.append(gid)
    officers, positions = [], []
    current, previous = terms["2025-2030"], terms["2020-2025"]
    for i in range(1, n_officers + 1):
        officers.append(
            dict(
                id=i,
                code=f"B{i:07d}",
                full_name=(name := f"Cán bộ {rng.randint(0, 10**6):06d}"),
                search_key=search_key(name),
                sort_key=name_sort_key(name),
                gender=rng.choice(("nam", "nu")),
                date_of_birth=date(rng.randint(1965, 2000), 1, 1),
            )
        )
        unit = rng.choice(grassroots)
        positions.append(
            dict(
                officer_id=i,
                unit_id=unit,
                title_id=rng.choice(titles),
                term_id=current.id,
                full_time=rng.random() < 0.15,
                start_date=current.start_date,
                end_date=None,
            )
        )
        if rng.random() < 0.6:
            positions.append(
                dict(
                    officer_id=i,
                    unit_id=unit,
                    title_id=titles[3],
                    term_id=previous.id,
                    full_time=False,
                    start_date=previous.start_date,
                    end_date=previous.end_date,
                )
            )
    with engine.begin() as conn:
        for table, rows in ((OrgUnit, units), (Officer, officers), (Position, positions)):
            for chunk in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[chunk : chunk + 5000])
        if engine.dialect.name == "postgresql":
            for table in ("org_unit", "officer", "position"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    account_services.HASH_METHOD["method"] = "scrypt:1024:8:1"
    with Session(engine) as s:
        account_services.create_user(
            s, None, email="admin@bench.vn", full_name="A", role=Role.ADMIN, password="bench12345"
        )
        account_services.create_user(
            s, None, email="staff@bench.vn", full_name="S", role=Role.STAFF, password="bench12345", unit_id=2
        )
        s.commit()


def timed(fn, repeat: int) -> dict:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
    }


def measure(engine, repeat: int) -> dict:
    results = {}
    with Session(engine) as s:
        admin = s.scalar(select(User).where(User.email == "admin@bench.vn"))
        staff = s.scalar(select(User).where(User.email == "staff@bench.vn"))
        top, mid = s.get(OrgUnit, 1), s.get(OrgUnit, 2)
        ui = s.scalar(select(PositionTitle.id).where(PositionTitle.code == "UV_BCH"))
        for label, actor, unit in (("top_unit", admin, top), ("mid_level_unit", staff, mid)):
            flt = OfficerFilter(unit_id=unit.id, full_time=False, title_id=ui)
            page = list_officers(s, actor, flt, today=TODAY)
            everyone = list_officers(s, actor, OfficerFilter(unit_id=unit.id), today=TODAY)
            results[label] = {
                "units_in_subtree": subtree_count(s, unit),
                "current_officers": everyone.total,
                "filtered_matches": page.total,
                "subtree_unit_count": timed(lambda u=unit: subtree_count(s, u), repeat),
                "subtree_officer_count": timed(
                    lambda a=actor, u=unit: count_officers(s, a, OfficerFilter(unit_id=u.id), today=TODAY),
                    repeat,
                ),
                "filtered_list_page_1": timed(
                    lambda a=actor, f=flt: list_officers(s, a, f, today=TODAY), repeat
                ),
                "filtered_list_page_20": timed(
                    lambda a=actor, f=flt: list_officers(s, a, f, today=TODAY, page=20), repeat
                ),
                "name_search_page_1": timed(
                    lambda a=actor, u=unit: list_officers(
                        s, a, OfficerFilter(unit_id=u.id, q="can bo 12"), today=TODAY
                    ),
                    repeat,
                ),
            }
    return results


def recreate_database(url: str) -> None:
    """A PostgreSQL URL's database dropped and created empty (SQLite files are fresh temporary ones)."""
    if not url.startswith("postgresql"):
        return
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def run(url: str, args) -> dict:
    recreate_database(url)
    migrations.upgrade(url)
    engine = make_engine(url)
    start = time.perf_counter()
    build(engine, args.officers, args.units)
    built = time.perf_counter() - start
    result = {"build_seconds": round(built, 1), **measure(engine, args.repeat)}
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    report = {"officers": args.officers, "units": args.units, "target_ms": 100}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    if not args.no_pg:
        report["postgresql"] = run(args.pg, args)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
