"""Who may set targets and quotas, quota plan against delivery, snapshots, the seed's quota split."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from elearn.classes.models import ClassMember, TrainingClass
from elearn.errors import Forbidden, ValidationError
from elearn.targets import dashboard, quotas, services
from elearn.targets.models import TargetSnapshot
from elearn.targets.seed import split
from tests import factories as f
from tests.targets import factories as tf
from tests.targets.factories import DAY


def _data(scope, ctype, **kw) -> services.TargetData:
    return services.TargetData(
        name=kw.pop("name", "  Chỉ tiêu   A "),
        scope_unit_id=scope.id,
        deadline=date(2026, 12, 31),
        certificate_type_id=ctype.id,
        **kw,
    )


def test_staff_set_targets_in_their_subtree_only(db, world):
    ctype = tf.cert_type(db, world.city)
    target = services.create_target(db, world.staff_a, _data(world.a1, ctype, course_id=5))
    assert (
        target.name == "Chỉ tiêu A" and target.course_id is None and target.created_by_id == world.staff_a.id
    )
    with pytest.raises(Forbidden):
        services.create_target(db, world.staff_a, _data(world.b, ctype))
    with pytest.raises(Forbidden):
        services.create_target(db, world.staff_a, _data(world.city, ctype))
    city = services.create_target(db, world.admin, _data(world.city, ctype))
    with pytest.raises(Forbidden):  # a parent's target cannot be changed below
        services.update_target(db, world.staff_a, city.id, _data(world.a, ctype))
    with pytest.raises(ValidationError):
        services.create_target(db, world.staff_a, _data(world.a, ctype, required_percent=120))
    with pytest.raises(ValidationError):
        services.create_target(db, world.staff_a, _data(world.a, ctype, measure="course"))
    assert [t.id for t in services.targets_for_unit(db, world.staff_a, world.a1)] == [city.id, target.id]
    assert [t.id for t in services.targets_for_unit(db, world.staff_b, world.b)] == [city.id]


def test_quotas_plan_against_delivery(db, world):
    with pytest.raises(Forbidden):  # staff set quotas for the units below their own
        services.set_quota(
            db,
            world.staff_a,
            unit_id=world.a.id,
            year=2026,
            funding_source="khac",
            planned_classes=1,
            planned_learners=1,
        )
    with pytest.raises(Forbidden):
        services.set_quota(
            db,
            world.staff_a,
            unit_id=world.b1.id,
            year=2026,
            funding_source="khac",
            planned_classes=1,
            planned_learners=1,
        )
    for unit, classes, learners in ((world.a, 3, 100), (world.b, 2, 50)):
        services.set_quota(
            db,
            world.admin,
            unit_id=unit.id,
            year=2026,
            funding_source="kinh_phi_cong_doan",
            planned_classes=classes,
            planned_learners=learners,
        )
    services.set_quota(  # replaces, does not add
        db, world.admin, unit_id=world.a.id, year=2026, funding_source="kinh_phi_cong_doan",
        planned_classes=4, planned_learners=120,
    )  # fmt: skip
    c = tf.course(db)
    held = TrainingClass(
        code="K.1",
        title="Lớp 1",
        course_id=c.id,
        unit_id=world.a1.id,
        start_date=date(2026, 2, 1),
        end_date=date(2026, 2, 5),
    )
    future = TrainingClass(
        code="K.2",
        title="Lớp 2",
        course_id=c.id,
        unit_id=world.a.id,
        start_date=date(2026, 9, 1),
        end_date=date(2026, 9, 5),
    )
    last_year = TrainingClass(
        code="K.0",
        title="Lớp 0",
        course_id=c.id,
        unit_id=world.a.id,
        start_date=date(2025, 9, 1),
        end_date=date(2025, 9, 5),
    )
    db.add_all([held, future, last_year])
    db.flush()
    for _ in range(3):
        db.add(ClassMember(class_id=held.id, officer_id=f.officer(db, world.a1).id))
    db.flush()
    summary = quotas.quota_summary(db, world.admin, world.city, 2026, DAY)
    plans = {u.code: p for u, p in summary.children}
    assert vars(plans["TEST-A"]) == dict(
        planned_classes=4, planned_learners=120, delivered_classes=1, delivered_learners=3
    )
    assert plans["TEST-B"].delivered_classes == 0
    assert [u.code for u, _ in summary.children] == ["TEST-B", "TEST-A"]  # furthest behind first
    assert summary.handed_down.planned_classes == 6
    assert summary.by_source["kinh_phi_cong_doan"].delivered_learners == 3
    own = quotas.quota_summary(db, world.staff_a, world.a, 2026, DAY).own
    assert (own.planned_classes, own.delivered_classes, own.delivered_learners) == (4, 1, 3)
    with pytest.raises(Forbidden):
        quotas.quota_summary(db, world.staff_b, world.a, 2026, DAY)


def test_snapshots_are_idempotent(db, world):
    ctype = tf.cert_type(db, world.city)
    target = tf.target(db, world.city, certificate_type_id=ctype.id)
    dashboard.write_snapshots(db, DAY, [target])
    tf.certificate(db, f.officer(db, world.b1), ctype)
    dashboard.write_snapshots(db, DAY, [target])
    snaps = db.scalars(select(TargetSnapshot).where(TargetSnapshot.target_id == target.id)).all()
    assert len(snaps) == 7  # city, 2 unions, 4 CĐCS, once each
    city = next(s for s in snaps if s.unit_id == world.city.id)
    assert (city.numerator, city.denominator) == (1, 3)
    b = next(s for s in snaps if s.unit_id == world.b.id)
    assert (b.numerator, b.denominator) == (1, 2)
    assert db.scalar(select(func.count()).select_from(TargetSnapshot)) >= 7


def test_quota_split_is_deterministic_and_exact():
    parts = split(3700, [5000, 300, 1200, 40, 40])
    assert sum(parts) == 3700 and parts == split(3700, [5000, 300, 1200, 40, 40])
    assert parts[0] > parts[2] > parts[1] > parts[3]
    assert sum(1 + x for x in split(18, [1] * 20)) == 38
