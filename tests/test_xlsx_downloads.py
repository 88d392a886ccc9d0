"""Every XLSX the app serves (import templates and exports) names its sheets in Vietnamese, never "Sheet"."""

from __future__ import annotations

import io

import openpyxl

from tests import factories
from tests.classes import helpers as h
from tests.conftest import Auth
from tests.targets import factories as tf


def _sheets(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    assert response.data[:2] == b"PK"
    return openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).sheetnames


def test_every_served_workbook_has_vietnamese_sheet_names(app, db, world, auth, client):
    tc = h.training_class(db, world.a, course=h.course(db, (1,)), trainer=world.trainer)
    h.member(db, tc, factories.officer(db, world.a1, name="Bùi Thị Lan"))
    quiz, *_ = factories.quiz_setup(db, "::S1:: Mức đóng? {=2%}\n", code="XLS")
    target = tf.target(db, world.city, certificate_type_id=tf.cert_type(db, world.city).id)

    auth.login("trainer@test.vn")
    served = {
        url: _sheets(client.get(url))
        for url in (
            "/banks/import/template.xlsx",
            f"/quizzes/{quiz.id}/responses.xlsx",
            "/classes/template-members.xlsx",
            "/classes/template-attendance.xlsx",
            f"/classes/{tc.id}/roster.xlsx",
        )
    }
    staff = app.test_client()
    Auth(staff).login("staff-a@test.vn")
    for url in (
        "/officers/import/template.xlsx",
        f"/targets/unit/{world.a.id}/summary.xlsx",
        f"/targets/unit/{world.a.id}/quotas.xlsx",
        f"/targets/{target.id}/unit/{world.a.id}/breakdown.xlsx",
        f"/targets/{target.id}/unit/{world.a.id}/missing.xlsx",
    ):
        served[url] = _sheets(staff.get(url))

    assert served == {
        "/banks/import/template.xlsx": ["Câu hỏi", "Hướng dẫn"],
        f"/quizzes/{quiz.id}/responses.xlsx": ["Câu trả lời"],
        "/classes/template-members.xlsx": ["Học viên"],
        "/classes/template-attendance.xlsx": ["Điểm danh"],
        f"/classes/{tc.id}/roster.xlsx": ["Danh sách lớp"],
        "/officers/import/template.xlsx": ["Cán bộ", "Hướng dẫn"],
        f"/targets/unit/{world.a.id}/summary.xlsx": ["Chỉ tiêu"],
        f"/targets/unit/{world.a.id}/quotas.xlsx": ["Kế hoạch lớp"],
        f"/targets/{target.id}/unit/{world.a.id}/breakdown.xlsx": ["Theo đơn vị"],
        f"/targets/{target.id}/unit/{world.a.id}/missing.xlsx": ["Còn thiếu"],
    }
    assert not any(name.startswith("Sheet") for names in served.values() for name in names)
