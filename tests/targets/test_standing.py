"""Officer standing rows: the dashboard reads them where they are exact and asks the certificates and
positions where they are not, so the figures are the same with and without them, on any day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, text, update

from elearn.certificates import lifecycle
from elearn.db import utcnow
from elearn.targets import population, standing
from elearn.targets.models import OfficerStanding
from tests import factories as f
from tests.targets import factories as tf
from tests.targets.factories import DAY

DAYS = (date(2025, 9, 1), DAY - timedelta(days=1), DAY, DAY + timedelta(days=1), date(2026, 6, 1))


def _row(db, officer) -> OfficerStanding | None:
    db.expire_all()
    return db.get(OfficerStanding, officer.id)


def _small_type_ids(db) -> None:
    """These tests read the standing mask's bits (type ids below MASK_BITS). PostgreSQL's sequences survive
    the rollback after each test, so a long run would hand out larger ids: start after the ones in use."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('certificate_type', 'id'), "
                "coalesce((SELECT max(id) FROM certificate_type), 0) + 1, false)"
            )
        )


def _mixed_world(db, world):
    """Certificates valid, expiring, expired, revoked, issued later, of two types; officers new this term
    and officers who served in the previous term."""
    _small_type_ids(db)
    llnv, other = tf.cert_type(db, world.city), tf.cert_type(db, world.city, code="OTHER")
    targets = [
        tf.target(db, world.city, certificate_type_id=llnv.id),
        tf.target(db, world.city, certificate_type_id=other.id, name="Loại khác"),
        tf.target(db, world.city, certificate_type_id=llnv.id, newly_added=True, name="Mới bổ sung"),
    ]
    people = [f.officer(db, unit) for unit in (world.a1, world.a2, world.b1, world.a2, world.b1, world.a1)]
    tf.certificate(db, people[0], llnv)
    tf.certificate(db, people[1], llnv, expiry=DAY)  # its last day is DAY
    tf.certificate(db, people[1], other, expiry=date(2026, 5, 1))
    tf.certificate(db, people[2], llnv, expiry=DAY - timedelta(days=1))
    tf.certificate(db, people[3], llnv, status="revoked")
    tf.certificate(db, people[4], llnv, issued=DAY + timedelta(days=1))  # issued after DAY
    f.add_position(
        db, people[5], world.a1, term_code="2020-2025", start=date(2021, 1, 1), end=date(2025, 6, 30)
    )
    tf.certificate(db, people[5], other)
    return targets, people


def _all_figures(db, targets, world):
    return {
        (unit.code, day): population.breakdowns(db, targets, unit, day)
        for unit in (world.city, world.a, world.b)
        for day in DAYS
    }


def test_figures_are_the_same_with_and_without_standing_rows(db, world):
    targets, people = _mixed_world(db, world)
    assert db.scalar(select(OfficerStanding.officer_id)) is None  # factories write no rows
    asked = _all_figures(db, targets, world)
    standing.refresh(db, None, DAY)
    assert _row(db, people[0]).cert_mask == 1 << targets[0].certificate_type_id
    assert _row(db, people[5]).first_term_start == f.term(db, "2020-2025").start_date
    assert _row(db, people[0]).first_term_start == f.term(db, "2025-2030").start_date
    assert _all_figures(db, targets, world) == asked

    # sanity: the world exercises every rule (valid, expiring on DAY, expired, revoked, issued later)
    def held(day):
        return asked[(world.city.code, day)][targets[0].id].total.numerator

    assert held(DAY - timedelta(days=1)) == 3  # people 0, 1 and 2 (whose certificate ends that day)
    assert held(DAY) == 2  # people 0 and 1 (whose certificate ends that day)
    assert held(DAY + timedelta(days=1)) == 2  # people 0 and 4 (issued that day)
    city = asked[(world.city.code, DAY)]
    assert city[targets[2].id].total.denominator == city[targets[0].id].total.denominator - 1


def test_rows_are_read_where_their_window_covers_the_day(db, world):
    targets, people = _mixed_world(db, world)
    earlier = DAY - timedelta(days=1)
    expected_earlier = population.breakdowns(db, targets, world.city, earlier)
    standing.refresh(db, None, DAY)
    before = population.breakdowns(db, targets, world.city, DAY)
    # A row claiming every type for someone whose only certificate is revoked: the dashboard reads it on
    # days inside its window, and asks the certificates before its as_of.
    claim = update(OfficerStanding).where(OfficerStanding.officer_id == people[3].id)
    db.execute(claim.values(cert_mask=(1 << 62) - 1))
    after = population.breakdowns(db, targets, world.city, DAY)
    for target in targets[:2]:
        assert after[target.id].total.numerator == before[target.id].total.numerator + 1
    assert population.breakdowns(db, targets, world.city, earlier) == expected_earlier


def test_a_window_ends_at_the_first_expiry_and_the_next_issue(db, world):
    _, people = _mixed_world(db, world)
    standing.refresh(db, None, DAY)
    expiring, later = _row(db, people[1]), _row(db, people[4])
    assert (expiring.as_of, expiring.expires_first, expiring.next_issue) == (DAY, DAY, None)
    assert (later.cert_mask, later.next_issue) == (0, DAY + timedelta(days=1))
    assert _row(db, people[2]).cert_mask == 0 and _row(db, people[3]).cert_mask == 0


def test_any_certificate_or_position_change_drops_the_officers_row(db, world):
    _small_type_ids(db)
    ctype = tf.cert_type(db, world.city)
    one, two = f.officer(db, world.a1), f.officer(db, world.a2)
    standing.refresh(db, None, DAY)
    assert _row(db, one) is not None and _row(db, two) is not None
    cert = tf.certificate(db, one, ctype)
    assert _row(db, one) is None and _row(db, two) is not None
    standing.refresh(db, [one.id], DAY)
    cert.status = "revoked"
    db.flush()
    assert _row(db, one) is None
    f.add_position(db, two, world.b1, title_code="CT")
    assert _row(db, two) is None


def test_the_certificate_services_keep_the_row(db, world):
    _small_type_ids(db)
    ctype = tf.cert_type(db, world.city)
    person = f.officer(db, world.a1)
    cert = tf.certificate(db, person, ctype)
    standing.refresh(db, [person.id], DAY)
    assert _row(db, person).cert_mask == 1 << ctype.id
    lifecycle.revoke(db, None, cert.serial, "Cấp nhầm người", utcnow())
    row = _row(db, person)
    assert row is not None and row.cert_mask == 0
