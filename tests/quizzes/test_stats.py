"""Item statistics against values computed by hand, and the XLSX export of responses.

Four attempts at three true/false items worth 1 mark each (rows: attempts, columns: items 1-3):

    A: 1 1 1 (X=3)   B: 1 1 0 (X=2)   C: 1 0 0 (X=1)   D: 0 0 0 (X=0)

Item 1: mean .75 → F = 75%; var = .25 → SD = 50%; rest = X − x = 2,1,0,0 (var 11/12); cov = .25;
        D = .25 / sqrt(.25 · 11/12) = 52.22%.
Item 2: F = 50%; var = 1/3 → SD = 57.74%; rest 2,1,1,0 (var 2/3); cov = 1/3; D = 70.71%.
Item 3: F = 25%; SD = 50%; rest 2,2,1,0 (var 11/12); cov = .25; D = 52.22%.
Total: var(X) = 5/3; Σ var(x_i) = 5/6; α = 3/2 · (1 − (5/6)/(5/3)) = 75%.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from elearn.quizzes import attempts, stats
from elearn.quizzes.quiz_export import responses_xlsx, safe_cell
from tests import factories
from tests.conftest import Auth

NOW = datetime(2026, 3, 2, 8, 0)
PATTERN = {"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 0), "D": (0, 0, 0)}
GIFT = "::I1:: Một {T}\n\n::I2:: Hai {T}\n\n::I3:: Ba {T}\n"


def _dataset(db, world):
    quiz, trainer, officer, _ = factories.quiz_setup(db, GIFT, code="ST", shuffle_questions=False)
    from elearn.courses.models import Enrolment

    for n, (label, scores) in enumerate(PATTERN.items()):
        person = factories.officer(db, world.a1, name=f"Học viên {label}", code=f"ST{label}")
        db.add(Enrolment(course_id=quiz.course_id, officer_id=person.id))
        user = factories.user(
            db, f"st{label.lower()}@test.vn", factories.Role.OFFICER, "matkhau123", officer_id=person.id
        )
        attempt = attempts.start_attempt(db, user, quiz.id, NOW + timedelta(minutes=n), random.Random(n))
        for aq in attempt.questions:
            right = scores[int(aq.version.name[1]) - 1]
            attempts.save_answer(db, user, attempt.id, aq.position, "true" if right else "false", NOW)
        db.expire_all()
        attempts.submit_attempt(db, attempt, NOW + timedelta(minutes=n + 1))
    return quiz, trainer


def test_statistics_match_hand_computed_values(db, world):
    quiz, trainer = _dataset(db, world)
    st = stats.quiz_stats(db, trainer, quiz.id)
    assert st.n == 4
    assert st.mean_percent == pytest.approx(50.0)
    assert st.alpha == pytest.approx(75.0)
    items = {s.key: s for s in st.items}
    assert [round(items[k].facility, 2) for k in ("1.1", "2.1", "3.1")] == [75.0, 50.0, 25.0]
    assert [round(items[k].sd, 2) for k in ("1.1", "2.1", "3.1")] == [50.0, 57.74, 50.0]
    assert [round(items[k].discrimination, 2) for k in ("1.1", "2.1", "3.1")] == [52.22, 70.71, 52.22]
    by_name = {s.label: s for s in st.questions}
    assert by_name["I2"].discrimination == pytest.approx(items["2.1"].discrimination)


def test_discrimination_is_undefined_without_variance():
    constant = stats.item_stat("x", "x", "true_false", [(1.0, 3.0), (1.0, 2.0), (1.0, 1.0)], 1.0)
    assert constant.facility == 100 and constant.discrimination is None
    assert stats.cronbach_alpha([[1, 1], [0, 0]], [1, 1]) is None


def test_statistics_page_for_its_trainer_only(app, db, world, client, auth):
    quiz, _ = _dataset(db, world)
    auth.login("trainer@test.vn")
    page = client.get(f"/quizzes/{quiz.id}/stats").get_data(as_text=True)
    assert "75,00%" in page and "52,22%" in page and "70,71%" in page
    assert client.get(f"/quizzes/{quiz.id}/stats").status_code == 200
    other = app.test_client()
    Auth(other).login("staff-a@test.vn")
    assert other.get(f"/quizzes/{quiz.id}/stats").status_code == 403


def test_responses_xlsx_neutralises_formulas(db, world):
    quiz, trainer, officer, _ = factories.quiz_setup(db, "::S1:: Viết công thức {=abc}\n", code="XL")
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    attempts.save_answer(db, officer, attempt.id, 1, '=HYPERLINK("http://x")', NOW)
    db.expire_all()
    attempts.submit_attempt(db, attempt, NOW)
    wb = load_workbook(io.BytesIO(responses_xlsx(db, trainer, quiz.id)))
    ws = wb.active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("Trả lời 1")] == '\'=HYPERLINK("http://x")'
    assert row[header.index("Họ và tên")] == "Nguyễn Thị Thanh Tùng"
    assert safe_cell("+1") == "'+1" and safe_cell("@a") == "'@a" and safe_cell("bình thường") == "bình thường"
