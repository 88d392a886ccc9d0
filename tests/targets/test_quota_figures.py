"""The class plan compares like with like: a unit's own plan with its whole subtree, each child's plan with
that child's subtree; classes the unit holds itself are counted apart; the export says why a part is empty."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from elearn.classes.models import ClassMember, TrainingClass
from elearn.targets import quotas, services
from elearn.web import today
from tests import factories as f
from tests.targets import factories as tf


def _held_class(db, unit, code: str, learners: int, course) -> TrainingClass:
    start = date(today().year, 1, 1)
    tc = TrainingClass(
        code=code, title=f"Lớp {code}", course_id=course.id, unit_id=unit.id, start_date=start, end_date=start
    )
    db.add(tc)
    db.flush()
    for _ in range(learners):
        db.add(ClassMember(class_id=tc.id, officer_id=f.officer(db, unit).id))
    db.flush()
    return tc


def _plan_for_a(db, world) -> None:
    """TEST-A is given 4 classes / 120 learners and holds one class of 2 itself; nothing is handed down."""
    services.set_quota(
        db, world.admin, unit_id=world.a.id, year=today().year, funding_source="kinh_phi_cong_doan",
        planned_classes=4, planned_learners=120,
    )  # fmt: skip
    _held_class(db, world.a, "Q.A", 2, tf.course(db))


def test_by_source_splits_the_units_own_plan_not_the_plan_handed_down(db, world):
    _plan_for_a(db, world)
    summary = quotas.quota_summary(db, world.staff_a, world.a, today().year, today())
    assert vars(summary.own) == dict(
        planned_classes=4, planned_learners=120, delivered_classes=1, delivered_learners=2
    )
    assert list(summary.by_source) == ["kinh_phi_cong_doan"]
    assert vars(summary.by_source["kinh_phi_cong_doan"]) == vars(summary.own)
    assert summary.children == []
    assert (summary.held_by_unit.delivered_classes, summary.held_by_unit.delivered_learners) == (1, 2)


def test_children_plus_the_units_own_classes_add_up_to_the_subtree(db, world):
    _plan_for_a(db, world)
    services.set_quota(
        db, world.staff_a, unit_id=world.a1.id, year=today().year, funding_source="khac",
        planned_classes=2, planned_learners=30,
    )  # fmt: skip
    _held_class(db, world.a1, "Q.A1", 3, tf.course(db))
    summary = quotas.quota_summary(db, world.staff_a, world.a, today().year, today())
    assert [(u.code, vars(p)) for u, p in summary.children] == [
        ("TEST-A1", dict(planned_classes=2, planned_learners=30, delivered_classes=1, delivered_learners=3))
    ]
    down, own_held = summary.handed_down, summary.held_by_unit
    assert down.delivered_classes + own_held.delivered_classes == summary.own.delivered_classes == 2
    assert down.delivered_learners + own_held.delivered_learners == summary.own.delivered_learners == 5
    # the plan handed down to TEST-A1 ("khac") is not part of TEST-A's own plan by funding source
    assert list(summary.by_source) == ["kinh_phi_cong_doan"]
    assert vars(summary.by_source["kinh_phi_cong_doan"]) == vars(summary.own)


def test_dashboard_labels_each_figure(db, world, auth):
    _plan_for_a(db, world)
    auth.login("staff-a@test.vn")
    html = auth.client.get(f"/targets/unit/{world.a.id}").get_data(as_text=True)
    assert "Cấp trên giao cho đơn vị: <strong>4</strong> lớp, <strong>120</strong> học viên" in html
    assert "<caption>Kế hoạch cấp trên giao cho đơn vị và lớp đã mở trong toàn hệ thống" in html
    assert '<th class="num">Lớp được giao / đã mở</th>' in html and '<td class="num">4 / 1</td>' in html
    assert "chưa giao kế hoạch lớp cho đơn vị trực thuộc nào" in html
    assert (
        "Lớp do chính đơn vị tổ chức (không thuộc kế hoạch giao cho đơn vị trực thuộc): 1 lớp, 2 học viên"
        in html
    )


def test_quota_export_explains_an_empty_hand_down(db, world, auth):
    _plan_for_a(db, world)
    auth.login("staff-a@test.vn")
    response = auth.client.get(f"/targets/unit/{world.a.id}/quotas.xlsx")
    rows = [
        [v for v in r if v not in (None, "")]
        for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    ]
    name = world.a.name
    assert rows[0] == [f"Kế hoạch lớp năm {today().year} — {name}"]
    assert [f"Lớp do chính {name} tổ chức (không thuộc kế hoạch giao cho đơn vị trực thuộc)", 1, 2] in rows
    assert [f"Toàn hệ thống {name} (kế hoạch do cấp trên giao)", 4, 1, 120, 2, 1.7] in rows
    notes = [r[0] for r in rows if len(r) == 1 and r[0].startswith("Ghi chú")]
    assert notes == [
        f"Ghi chú: năm {today().year} chưa giao kế hoạch lớp cho đơn vị trực thuộc nào "
        "và các đơn vị trực thuộc chưa mở lớp nào."
    ]
