"""Population filters, what counts, attribution and the sum invariant of target figures."""

from __future__ import annotations

from datetime import date, datetime

from elearn.targets import population
from elearn.targets.population import Figures
from tests import factories as f
from tests.targets import factories as tf
from tests.targets.factories import DAY


def _fig(db, target, unit, day=DAY) -> Figures:
    return population.figures(db, target, unit, day)


def test_base_population_is_current_positions_in_scope(db, world):
    ctype = tf.cert_type(db, world.city)
    t = tf.target(db, world.city, certificate_type_id=ctype.id)
    # base world: TOFFICER (A1, PCT, part-time), TB2CHAIR (B2, CT, full-time)
    assert _fig(db, t, world.city) == Figures(0, 2)
    f.officer(db, world.a2, start=date(2025, 7, 1), end=date(2026, 1, 31))  # position ended
    f.officer(db, world.a2, start=date(2026, 6, 1))  # not started yet
    assert _fig(db, t, world.city) == Figures(0, 2)
    assert _fig(db, t, world.a) == Figures(0, 1)
    scoped = tf.target(db, world.b, certificate_type_id=ctype.id)
    assert _fig(db, scoped, world.b) == Figures(0, 1)


def test_each_filter(db, world):
    ctype = tf.cert_type(db, world.city)
    ft = f.officer(db, world.a2, title_code="CT", full_time=True)
    f.officer(db, world.a2, title_code="UV_BCH", full_time=False)
    ct = f.title(db, "CT").id

    def count(**kw):
        return _fig(db, tf.target(db, world.city, certificate_type_id=ctype.id, **kw), world.city).denominator

    assert count() == 4
    assert count(title_ids=[ct]) == 2  # TB2CHAIR and ft
    assert count(full_time=True) == 2
    assert count(full_time=False) == 2
    assert count(sector_ids=[f.sector(db, "NGOAI_NN").id]) == 2  # A2
    assert count(sector_ids=[f.sector(db, "FDI").id, f.sector(db, "DNNN").id]) == 2  # A1 + B2
    assert count(min_member_count=400) == 2  # A1 (1,500) and B2 (400)
    assert count(min_member_count=1000) == 1
    assert count(title_ids=[ct], full_time=True, sector_ids=[f.sector(db, "NGOAI_NN").id]) == 1
    assert count(term_id=f.term(db, "2020-2025").id) == 0
    # newly added: ft held a position in the previous term, so only the others are new
    f.add_position(db, ft, world.a2, term_code="2020-2025", start=date(2021, 1, 1), end=date(2025, 6, 30))
    assert count(newly_added=True) == 3
    assert count(newly_added=True, term_id=f.term(db, "2025-2030").id) == 3
    assert count(newly_added=True, full_time=True) == 1


def test_revoked_and_expired_certificates_do_not_count(db, world):
    ctype = tf.cert_type(db, world.city)
    other = tf.cert_type(db, world.city, code="OTHER")
    t = tf.target(db, world.city, certificate_type_id=ctype.id)
    people = [f.officer(db, world.a2) for _ in range(5)]
    tf.certificate(db, people[0], ctype)  # valid, no expiry
    tf.certificate(db, people[1], ctype, expiry=DAY)  # expires today: still valid
    tf.certificate(db, people[2], ctype, expiry=date(2026, 2, 28))  # expired yesterday
    tf.certificate(db, people[3], ctype, status="revoked")
    tf.certificate(db, people[4], other)  # another type
    assert _fig(db, t, world.a2) == Figures(2, 5)
    assert _fig(db, t, world.a2, day=date(2026, 3, 2)) == Figures(1, 5)


def test_course_and_programme_completed_within_period(db, world):
    c1, c2 = tf.course(db), tf.course(db)
    prog = tf.programme(db, [c1, c2])
    span = dict(period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))
    by_course = tf.target(db, world.a2, measure="course", course_id=c1.id, **span)
    by_prog = tf.target(db, world.a2, measure="programme", programme_id=prog.id, **span)
    inside, early, partial, late, open_ = (f.officer(db, world.a2) for _ in range(5))
    tf.complete(db, inside, c1, datetime(2026, 2, 1, 9))
    tf.complete(db, inside, c2, datetime(2026, 6, 30, 23))
    tf.complete(db, early, c1, datetime(2025, 12, 31, 23))
    tf.complete(db, early, c2, datetime(2025, 11, 1))
    tf.complete(db, partial, c1, datetime(2026, 3, 1))
    tf.complete(db, late, c1, datetime(2026, 1, 5))
    tf.complete(db, late, c2, datetime(2026, 7, 1, 0, 1))
    tf.complete(db, open_, c1, None)
    after = date(2026, 7, 15)
    assert _fig(db, by_course, world.a2, after) == Figures(3, 5)  # inside, partial, late
    assert _fig(db, by_prog, world.a2, after) == Figures(1, 5)  # only inside
    # evaluated on an earlier day, later completions do not count yet (the history chart relies on it)
    assert _fig(db, by_prog, world.a2, DAY) == Figures(0, 5)
    assert _fig(db, by_course, world.a2, date(2026, 2, 15)) == Figures(2, 5)


def test_parent_target_applies_to_child_units(db, world):
    ctype = tf.cert_type(db, world.city)
    t = tf.target(db, world.city, certificate_type_id=ctype.id)
    a1_person = f.officer(db, world.a1)
    tf.certificate(db, a1_person, ctype)
    assert _fig(db, t, world.a1) == Figures(1, 2)
    assert _fig(db, t, world.a) == Figures(1, 2)
    assert population.breakdown(db, t, world.a, DAY).children[world.a1.id] == Figures(1, 2)
    own = tf.target(db, world.a1, certificate_type_id=ctype.id, name="Chỉ tiêu riêng của A1")
    assert _fig(db, own, world.a1) == Figures(1, 2)


def test_sum_invariant_and_attribution(db, world):
    ctype = tf.cert_type(db, world.city)
    t = tf.target(db, world.city, certificate_type_id=ctype.id)
    # own officers of A and of the city, people in several units, some certified
    own_a = f.officer(db, world.a, title_code="PCT", full_time=True)
    tf.certificate(db, own_a, ctype)
    f.officer(db, world.city, title_code="CT", full_time=True)
    twice = f.officer(db, world.a2, title_code="UV_BCH")
    f.add_position(db, twice, world.b1, title_code="CT")  # higher rank: counted at B1 only
    tf.certificate(db, twice, ctype)
    both_a = f.officer(db, world.a1, title_code="TO_PHO")
    f.add_position(db, both_a, world.a2, title_code="TO_TRUONG")
    for unit in (world.city, world.a, world.b):
        split = population.breakdown(db, t, unit, DAY)
        summed = split.own
        for child in split.children.values():
            summed = summed + child
        assert summed == split.total == _fig(db, t, unit), unit.code
    city = population.breakdown(db, t, world.city, DAY)
    assert city.total == Figures(2, 6)
    assert city.own == Figures(0, 1)
    assert city.children == {world.a.id: Figures(1, 3), world.b.id: Figures(1, 2)}
    assert _fig(db, t, world.b1) == Figures(1, 1)  # `twice` is counted where they are chair
    # `both_a`: tổ trưởng (rank 90) at A2 outranks tổ phó (95) at A1, so A2 counts them and A1 does not
    assert _fig(db, t, world.a2) == Figures(0, 1)
    assert _fig(db, t, world.a1) == Figures(0, 1)
