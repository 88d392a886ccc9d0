"""A trainer imports a GIFT file into a question bank, builds a quiz from it on a phone (two fixed questions
and a random draw of two), and reads the item statistics of four officers' graded attempts.

Scores (rows: attempts, columns: questions; the last two are drawn by the random slot):

    A: 1 1 1 1 (4)   B: 1 1 1 0 (3)   C: 1 1 0 0 (2)   D: 1 0 0 0 (1)

Facility: 100%, 75%, 50%, 25%. Discrimination (item against the rest of the test): —, 52.22%, 70.71%,
52.22%. Mean 62.50%, SD 32.27%; α = 4/3 · (1 − (10/12) / (5/3)) = 66.67%, whatever order the draw gives,
since only attempt B scores the two drawn questions differently.
"""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.courses.models import Course, Enrolment
from elearn.db import utcnow
from elearn.quizzes import attempts, banks
from tests import factories
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import login, serving, world_database

GIFT = """$CATEGORY: Luật Công đoàn/Quyền và trách nhiệm

::Quyền thương lượng::Công đoàn cơ sở có quyền đại diện cho tập thể người lao động trong thương lượng \
tập thể.{TRUE#Chưa đúng: đây là quyền của công đoàn cơ sở.#Đúng: công đoàn cơ sở đại diện cho tập thể \
người lao động.}

::Cơ quan ban hành::Cơ quan nào ban hành Luật Công đoàn?{
=Quốc hội#Đúng: luật do Quốc hội thông qua.
~Chính phủ#Chưa đúng: Chính phủ ban hành nghị định hướng dẫn thi hành luật.
~Tổng Liên đoàn Lao động Việt Nam#Chưa đúng: luật do Quốc hội thông qua.
}

$CATEGORY: Luật Công đoàn/Tài chính công đoàn

::Mức đóng kinh phí::Kinh phí công đoàn do cơ quan, tổ chức, doanh nghiệp đóng bằng bao nhiêu phần trăm \
quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội cho người lao động?{
=2%#Đúng.
~1%#Chưa đúng: Luật Công đoàn quy định mức 2%.
~3%#Chưa đúng.
####Luật Công đoàn quy định mức đóng 2% quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội.
}

::Khoản đóng của đoàn viên::Khoản tiền đoàn viên công đoàn đóng hằng tháng gọi là gì?{
=Đoàn phí#Đúng.
=Đoàn phí công đoàn#Đúng.
}
"""
TYPES = {  # name: type label of the import preview
    "Quyền thương lượng": "Đúng/Sai",
    "Cơ quan ban hành": "Một đáp án",
    "Mức đóng kinh phí": "Một đáp án",
    "Khoản đóng của đoàn viên": "Trả lời ngắn",
}
NAMES = list(TYPES)
# Per officer, the answer to each question (None: left blank); choices are given by their text.
ANSWERS = {
    "officer@test.vn": ["true", "Quốc hội", "2%", "đoàn phí"],
    "hocvien1@test.vn": ["true", "Quốc hội", "2%", "Hội phí"],
    "hocvien2@test.vn": ["true", "Quốc hội", "1%", None],
    "hocvien3@test.vn": ["true", "Chính phủ", "3%", "Kinh phí công đoàn"],
}
# name: (attempts, facility, SD, discrimination) as the page shows them
EXPECTED = {
    "Quyền thương lượng": ["4", "100,00%", "0,00%", "—"],
    "Cơ quan ban hành": ["4", "75,00%", "50,00%", "52,22%"],
    "Mức đóng kinh phí": ["4", "50,00%", "57,74%", "70,71%"],
    "Khoản đóng của đoàn viên": ["4", "25,00%", "50,00%", "52,22%"],
}
SUMMARY = "4 lần làm đã chấm 62,50% điểm trung bình 32,27% độ lệch chuẩn 66,67% hệ số Cronbach alpha"


@pytest.fixture(scope="module")
def trainer_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("trainer-quiz")
    url, engine = world_database(root)
    with Session(engine) as s:
        world = factories.World.load(s)
        course = Course(code="LCD-2024", title="Luật Công đoàn năm 2024", owner_id=world.trainer.id)
        s.add(course)
        s.flush()
        officer_ids = [world.officer_user.officer_id]
        for n, name in enumerate(["Phạm Minh Châu", "Đỗ Thị Hoa", "Vũ Quốc Khánh"], start=1):
            person = factories.officer(s, world.a1, name=name, code=f"HV{n}")
            factories.user(s, f"hocvien{n}@test.vn", Role.OFFICER, TEST_PASSWORD, officer_id=person.id)
            officer_ids.append(person.id)
        s.add_all(Enrolment(course_id=course.id, officer_id=i) for i in officer_ids)
        bank_id = banks.create_bank(s, world.trainer, "NH-LCD", "Luật Công đoàn", course_id=course.id).id
        s.commit()
    with serving(root, url) as base_url:
        yield base_url, engine, bank_id
    engine.dispose()


def _submit_attempts(engine, quiz_id: int) -> None:
    now = utcnow()
    with Session(engine) as s:
        for n, (email, answers) in enumerate(ANSWERS.items()):
            user = s.scalar(select(User).where(User.email == email))
            attempt = attempts.start_attempt(s, user, quiz_id, now, random.Random(n))
            assert len(attempt.questions) == 4
            for aq in attempt.questions:
                answer = answers[NAMES.index(aq.version.name)]
                choices = {c["text"]: c["id"] for c in aq.version.data.get("choices", [])}
                if answer is not None:
                    attempts.save_answer(s, user, attempt.id, aq.position, choices.get(answer, answer), now)
            s.expire_all()
            attempts.submit_attempt(s, attempt, now)
        s.commit()


def _table(page, heading: str) -> dict[str, list[str]]:
    """The statistics table under `heading`: its first column mapped to the other cells."""
    heading = page.get_by_role("heading", name=heading, exact=True)
    table = heading.locator("xpath=following-sibling::div[1]//table")  # tables scroll inside a div
    rows = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    return {label: values for label, *values in rows}


def test_trainer_imports_gift_builds_quiz_and_reads_item_statistics(trainer_server, phone, tmp_path):
    base, engine, bank_id = trainer_server
    page = phone
    gift = tmp_path / "luat-cong-doan.gift"
    gift.write_text(GIFT, encoding="utf-8")
    login(page, base, "trainer@test.vn")

    # 1. Import: upload, check the preview, confirm, find the questions in the bank.
    page.goto(f"{base}/banks/{bank_id}")
    page.get_by_role("link", name="Nhập từ tệp").click()
    page.get_by_label("Tệp câu hỏi (.gift, .txt, .xml, .xlsx)").set_input_files(str(gift))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("heading", name="Xác nhận nhập câu hỏi").wait_for()
    assert "4 câu hỏi: thêm mới 4" in page.locator("section.card").inner_text()
    rows = page.locator("table.import-preview tbody tr")
    assert rows.count() == 4
    for i, (name, label) in enumerate(TYPES.items()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells[1].startswith(name) and cells[2:] == [label, "Thêm mới"]
    assert "Quyền và trách nhiệm\nCơ quan nào ban hành Luật Công đoàn?" in rows.nth(1).inner_text()
    page.get_by_role("button", name="Xác nhận nhập").click()
    assert "Đã nhập 4 câu hỏi: thêm mới 4" in page.get_by_role("status").inner_text()
    page.get_by_role("heading", name="Câu hỏi (4)").wait_for()
    listed = page.locator("ul.questions li strong").all_inner_texts()
    assert sorted(listed) == sorted(NAMES)

    # 2. A quiz of the course: two fixed questions, then two drawn from "Tài chính công đoàn".
    page.goto(f"{base}/quizzes/manage")
    page.get_by_role("link", name="Tạo bài kiểm tra").click()
    page.get_by_label("Dùng cho").select_option(label="Chuyên đề LCD-2024 — Luật Công đoàn năm 2024")
    page.get_by_label("Tên bài kiểm tra").fill("Kiểm tra cuối chuyên đề Luật Công đoàn")
    page.get_by_role("button", name="Lưu").click()
    assert "Đã tạo bài kiểm tra. Hãy thêm câu hỏi." in page.get_by_role("status").inner_text()
    quiz_id = int(re.search(r"/quizzes/(\d+)/slots", page.url).group(1))
    fixed = page.locator("form", has=page.get_by_role("heading", name="Thêm một câu cố định"))
    for n, name in enumerate(NAMES[:2], start=1):
        fixed.get_by_label("Câu hỏi").select_option(label=f"[NH-LCD] {name}")
        fixed.get_by_role("button", name="Thêm").click()
        page.get_by_role("heading", name=f"Câu hỏi ({n} câu mỗi lần làm)").wait_for()
    drawn = page.locator("form", has=page.get_by_role("heading", name="Rút ngẫu nhiên từ ngân hàng"))
    drawn.get_by_label("Rút từ nhóm").select_option(label="[NH-LCD] Luật Công đoàn/Tài chính công đoàn")
    drawn.get_by_label("Số câu").fill("2")
    drawn.get_by_role("button", name="Thêm").click()
    page.get_by_role("heading", name="Câu hỏi (4 câu mỗi lần làm)").wait_for()
    slots = page.locator("table.table tbody tr td:nth-child(2)").all_inner_texts()
    assert slots == [
        *NAMES[:2],
        "Rút ngẫu nhiên 2 câu từ «Luật Công đoàn/Tài chính công đoàn» (gồm nhóm con)",
    ]

    # 3. Four officers submit; 4. the trainer reads the statistics.
    _submit_attempts(engine, quiz_id)
    page.reload()
    page.get_by_role("link", name="Thống kê câu hỏi").click()
    page.get_by_role("heading", name="Thống kê câu hỏi", exact=True).wait_for()
    assert " ".join(page.locator(".stats").inner_text().split()) == SUMMARY
    assert _table(page, "Theo câu hỏi") == EXPECTED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # wide tables scroll in their box
    by_slot = _table(page, "Theo vị trí")  # the fixed slots; the drawn pair's order varies per attempt
    assert by_slot["Vị trí 1.1"] == EXPECTED[NAMES[0]] and by_slot["Vị trí 2.1"] == EXPECTED[NAMES[1]]
