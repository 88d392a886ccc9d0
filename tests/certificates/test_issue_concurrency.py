"""Two workers issuing at the same moment (PostgreSQL): serials stay unique and gapless.

The data is committed (each worker has its own connection), so the test removes what it made afterwards.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from elearn.audit.models import AuditEvent
from elearn.certificates import issuing, keys
from elearn.certificates.models import Certificate, CertificateType, SerialCounter, SigningKey
from elearn.courses.models import Course, LessonProgress
from elearn.db import make_engine
from elearn.officers.models import Officer, Position
from elearn.orgs.models import OrgUnit
from elearn.orgs.services import create_unit
from tests import factories
from tests.certificates.world import NOW, cert_type, complete, issuer

WORKERS = 2
PER_WORKER = 4


@pytest.fixture
def committed_world(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks across connections are tested on PostgreSQL (SQLite serialises writers)")
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        world = factories.World.load(session)
        unit = create_unit(
            session,
            code="TEST-CONC",
            name="Công đoàn Thử Song Song",
            kind=world.city.kind,
            parent=world.city,
            serial_prefix="SS",
        )
        course = factories.course(session, "C-CONC", modules=(1,))
        ctype = cert_type(session, world, course=course, code="T-CONC")
        ctype.issuing_unit_id = unit.id
        officers = [
            factories.officer(session, unit, name=f"Nguyễn Văn Song {i}") for i in range(WORKERS * PER_WORKER)
        ]
        for officer in officers:
            complete(session, officer.id, course)
        keys.current_key(session, tmp_path, NOW)
        session.commit()
        ids = {"unit": unit.id, "type": ctype.id, "course": course.id, "officers": [o.id for o in officers]}
    yield engine, ids
    with Session(engine) as session:
        serials = session.scalars(select(Certificate.serial).where(Certificate.type_id == ids["type"])).all()
        session.execute(delete(AuditEvent).where(AuditEvent.object_id.in_(serials)))
        session.execute(delete(Certificate).where(Certificate.type_id == ids["type"]))
        session.execute(delete(SerialCounter).where(SerialCounter.unit_id == ids["unit"]))
        session.execute(delete(CertificateType).where(CertificateType.id == ids["type"]))
        session.execute(delete(LessonProgress).where(LessonProgress.officer_id.in_(ids["officers"])))
        session.execute(delete(Position).where(Position.officer_id.in_(ids["officers"])))
        session.execute(delete(Officer).where(Officer.id.in_(ids["officers"])))
        session.delete(session.get(Course, ids["course"]))
        session.execute(delete(OrgUnit).where(OrgUnit.id == ids["unit"]))
        session.execute(delete(SigningKey))
        session.commit()
    keys.clear_cache()
    engine.dispose()


def test_concurrent_issuing_keeps_serials_unique_and_gapless(committed_world, tmp_path):
    engine, ids = committed_world
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker(officer_ids):
        try:
            barrier.wait(timeout=30)
            for officer_id in officer_ids:
                with Session(engine, expire_on_commit=False) as session:
                    issuing.issue(
                        session,
                        None,
                        type_id=ids["type"],
                        officer_id=officer_id,
                        class_id=None,
                        issuer=issuer(tmp_path, today=date(2026, 11, 22)),
                    )
                    session.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    chunks = [ids["officers"][i::WORKERS] for i in range(WORKERS)]
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with Session(engine) as session:
        serials = sorted(
            session.scalars(select(Certificate.serial).where(Certificate.type_id == ids["type"]))
        )
        counter = session.get(SerialCounter, (ids["unit"], 2026))
    expected = [f"SS-2026-{n:06d}" for n in range(1, WORKERS * PER_WORKER + 1)]
    assert serials == expected
    assert counter.last_value == WORKERS * PER_WORKER
    assert all((tmp_path / "certificates" / "2026" / f"{s}.pdf").exists() for s in serials)
