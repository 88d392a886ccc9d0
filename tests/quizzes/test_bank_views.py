"""Bank pages through the test client: permissions, the question editor, preview, import with preview."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.quizzes.models import Question, QuestionBank, QuestionVersion
from tests import factories
from tests.conftest import TEST_PASSWORD, csrf_from
from tests.quizzes.test_bank_import import GOOD


@pytest.fixture
def bank(db, world):
    return factories.question_bank(db, world.trainer, "NH-WEB")


def _question(db, bank) -> Question:
    return db.scalar(select(Question).where(Question.bank_id == bank.id).order_by(Question.id))


def _count(db, bank) -> int:
    return db.scalar(select(func.count(Question.id)).where(Question.bank_id == bank.id))


@pytest.mark.parametrize("email", ["staff-a@test.vn", "officer@test.vn", "trainer2@test.vn"])
def test_others_get_403_on_every_bank_page(db, auth, client, bank, email):
    factories.user(db, "trainer2@test.vn", Role.TRAINER, TEST_PASSWORD)
    auth.login(email)
    q = _question(db, bank)
    for url in (
        f"/banks/{bank.id}",
        f"/banks/{bank.id}/questions/new?type=essay",
        f"/banks/questions/{q.id}",
        f"/banks/questions/{q.id}/edit",
        f"/banks/{bank.id}/import",
        f"/banks/{bank.id}/export?format=gift",
    ):
        assert client.get(url).status_code == 403, url
    page = client.get(f"/banks/questions/{q.id}").get_data(as_text=True)
    assert "2%" not in page and "Đáp án đúng" not in page


def test_preview_shows_the_right_answers_and_weights_to_the_owner(db, auth, client, bank):
    auth.login("trainer@test.vn")
    q = _question(db, bank)
    page = client.get(f"/banks/questions/{q.id}").get_data(as_text=True)
    assert "Đáp án đúng: 2%" in page
    assert "100%" in page and "Luật Công đoàn quy định mức đóng 2%" in page
    assert 'class="right"' in page


def test_bank_list_counts_per_category_and_filters(db, auth, client, bank):
    auth.login("trainer@test.vn")
    page = client.get("/banks/").get_data(as_text=True)
    assert "NH-WEB" in page and "Luật Công đoàn/Kinh phí" in page
    assert "Ngân hàng câu hỏi" in page
    filtered = client.get("/banks/?type=essay").get_data(as_text=True)
    assert "0 câu hỏi khớp bộ lọc" in filtered
    assert "1 câu hỏi khớp bộ lọc" in client.get("/banks/?tag=kinh-phi&difficulty=1").get_data(as_text=True)
    detail = client.get(f"/banks/{bank.id}?type=single_choice").get_data(as_text=True)
    assert "Mức đóng kinh phí" in detail
    assert "Mức đóng kinh phí" not in client.get(f"/banks/{bank.id}?difficulty=3").get_data(as_text=True)


def test_create_a_bank_and_a_question_of_each_kind_through_the_form(db, auth, client, world):
    auth.login("trainer@test.vn")
    response = auth.post("/banks/new", {"code": "web-1", "title": "Ngân hàng web", "course_id": "0"})
    assert response.status_code == 302
    bank = db.scalar(select(QuestionBank).where(QuestionBank.code == "WEB-1"))
    assert bank.owner_id == world.trainer.id
    base = {
        "name": "Câu A",
        "text": "Nội dung **đậm**",
        "text_format": "markdown",
        "category": "Chung/Một",
        "difficulty": "2",
        "tags": "Thử, Mới",
    }
    forms = {
        "single_choice": {
            "answers-0-text": "Đúng",
            "answers-0-fraction": "1",
            "answers-1-text": "Sai",
            "answers-1-fraction": "0",
        },
        "multiple_response": {
            "answers-0-text": "A",
            "answers-0-fraction": "0.5",
            "answers-1-text": "B",
            "answers-1-fraction": "0.5",
            "answers-2-text": "C",
            "answers-2-fraction": "-1",
        },
        "true_false": {"correct": "false", "feedback_true": "Sai rồi", "feedback_false": "Đúng"},
        "short_answer": {"answers-0-text": "công đoàn*", "answers-0-fraction": "1"},
        "numerical": {"answers-0-text": "2,5", "answers-0-fraction": "1", "answers-0-tolerance": "0,1"},
        "matching": {"pairs": "Chủ tịch -> Điều hành\nUBKT -> Kiểm tra\n-> Nhiễu"},
        "essay": {"grader_info": "Chấm theo ý"},
        "description": {},
    }
    for qtype, extra in forms.items():
        response = auth.post(f"/banks/{bank.id}/questions/new?type={qtype}", base | {"name": qtype} | extra)
        assert response.status_code == 302, (qtype, response.get_data(as_text=True)[-3000:])
    versions = {
        v.qtype: v
        for v in db.scalars(
            select(QuestionVersion)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.bank_id == bank.id)
        )
    }
    assert set(versions) == set(forms)
    assert versions["numerical"].data["answers"][0]["value"] == "2.5"
    assert versions["numerical"].data["answers"][0]["tolerance"] == "0.1"
    assert versions["true_false"].data["correct"] is False
    assert len(versions["matching"].data["choices"]) == 3
    assert all(v.difficulty == 2 for v in versions.values())
    question = db.get(Question, versions["essay"].question_id)
    assert [t.name for t in question.tags] == ["mới", "thử", "trung-binh"]

    bad = auth.post(
        f"/banks/{bank.id}/questions/new?type=multiple_response",
        base
        | {
            "answers-0-text": "A",
            "answers-0-fraction": "0.5",
            "answers-1-text": "B",
            "answers-1-fraction": "0",
        },
    )
    assert bad.status_code == 200 and "tổng trọng số" in bad.get_data(as_text=True)


def test_editing_through_the_form_keeps_the_old_version(db, auth, client, bank):
    auth.login("trainer@test.vn")
    q = _question(db, bank)
    page = client.get(f"/banks/questions/{q.id}/edit").get_data(as_text=True)
    assert 'value="Mức đóng kinh phí"' in page and "kinh-phi" in page
    first_id, first_data = q.current_version_id, dict(q.current_version.data)
    form = {
        "csrf_token": csrf_from(page),
        "category": "Luật Công đoàn/Kinh phí",
        "name": "Mức đóng kinh phí",
        "text": "Mức đóng kinh phí công đoàn là bao nhiêu phần trăm quỹ tiền lương?",
        "text_format": "moodle",
        "general_feedback": (
            "Luật Công đoàn quy định mức đóng 2% quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội."
        ),
        "difficulty": "1",
        "tags": "kinh-phi",
        "shuffle": "y",
        "answers-0-text": "2%",
        "answers-0-fraction": "1",
        "answers-0-feedback": "Đúng.",
        "answers-1-text": "1%",
        "answers-1-fraction": "0",
        "answers-1-feedback": "Sai.",
        "answers-2-text": "3%",
        "answers-2-fraction": "0",
        "answers-2-feedback": "Sai.",
    }
    assert client.post(f"/banks/questions/{q.id}/edit", data=form).status_code == 302
    db.expire_all()
    assert db.get(Question, q.id).current_version_id == first_id  # nothing changed: no new version
    form["answers-1-text"] = "1,5%"
    assert client.post(f"/banks/questions/{q.id}/edit", data=form).status_code == 302
    db.expire_all()
    edited = db.get(Question, q.id)
    assert edited.current_version_id != first_id and edited.current_version.version == 2
    assert db.get(QuestionVersion, first_id).data == first_data
    history = client.get(f"/banks/questions/{q.id}?version=1").get_data(as_text=True)
    assert "Phiên bản 1" in history and "1%" in history


def _upload(client, auth, bank, content: bytes, filename: str):
    page = client.get(f"/banks/{bank.id}/import").get_data(as_text=True)
    return client.post(
        f"/banks/{bank.id}/import",
        data={"csrf_token": csrf_from(page), "fmt": "", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_web_import_previews_then_confirms(db, auth, client, bank):
    auth.login("trainer@test.vn")
    response = _upload(client, auth, bank, GOOD.encode(), "tl.gift")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(db, bank) == 1
    assert "thêm mới 3" in page and "Ghép đôi 1" in page and "Thương lượng/Chủ thể" in page
    assert "Thỏa ước lao động tập thể được ký kết" in page
    token = csrf_from(page)
    tokens = [m for m in page.split('name="token" type="hidden" value="')[1:]]
    confirm = {"csrf_token": token, "token": tokens[0].split('"')[0]}
    response = client.post(f"/banks/{bank.id}/import/confirm", data=confirm)
    assert response.status_code == 302 and _count(db, bank) == 4
    again = _upload(client, auth, bank, GOOD.encode(), "tl.gift").get_data(as_text=True)
    assert "không đổi 3" in again and "không cần nhập" in again
    # A token is single-use and tied to its user and bank.
    assert client.post(f"/banks/{bank.id}/import/confirm", data=confirm).status_code == 404


@pytest.mark.parametrize(
    ("content", "filename", "fragments"),
    [
        (b"::A::Q1{=a ~b}\n\n::B::Q2{=a ~b\n", "loi.gift", ["<td>3</td>"]),
        (b"::A::Q{\n~%50%a\n~%40%b\n~c\n}", "loi.gift", ["<td>1</td>", "100%"]),
        (b"::A::C\xe2u h\xf3i {=a ~b}", "loi.txt", ["<td>1</td>", "UTF-8"]),
        (
            b"<quiz><question type='calculated'><name><text>x</text></name></question></quiz>",
            "a.xml",
            ["<td>1</td>", "calculated"],
        ),
        (b"not a zip", "a.xlsx", ["Excel"]),
    ],
    ids=["syntax", "weights", "not-utf8", "xml", "xlsx"],
)
def test_web_import_errors_are_listed_and_nothing_is_written(
    db, auth, client, bank, content, filename, fragments
):
    auth.login("trainer@test.vn")
    response = _upload(client, auth, bank, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "chưa ghi dữ liệu nào" in page
    for fragment in fragments:
        assert fragment in page
    assert _count(db, bank) == 1


def test_template_and_export_downloads(db, auth, client, bank):
    auth.login("trainer@test.vn")
    template = client.get("/banks/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    gift = client.get(f"/banks/{bank.id}/export?format=gift")
    assert gift.status_code == 200 and "::Mức đóng kinh phí::" in gift.get_data(as_text=True)
    xml = client.get(f"/banks/{bank.id}/export?format=xml")
    assert xml.status_code == 200 and b"<quiz>" in xml.data
    assert client.get(f"/banks/{bank.id}/export?format=pdf").status_code == 404


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.4", "de.pdf", "Tệp: Không nhận ra định dạng tệp"),
        (b"<quiz></quiz>", "rong.xml", "Tệp: Tệp không có câu hỏi nào."),
    ],
    ids=["pdf", "xml-without-questions"],
)
def test_web_import_shows_whole_file_errors_without_a_line_number(
    db, auth, client, bank, content, filename, message
):
    auth.login("trainer@test.vn")
    response = _upload(client, auth, bank, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "<td>0</td>" not in page and "<th>Dòng</th>" not in page


def test_web_import_lists_file_errors_apart_from_line_errors(db, auth, client, bank):
    auth.login("trainer@test.vn")
    page = _upload(client, auth, bank, b"::A::C\xe2u h\xf3i {=a ~b}", "loi.gift").get_data(as_text=True)
    assert "<th>Dòng</th>" in page and "<td>1</td>" in page and "<p>Tệp: " not in page


def test_editor_refuses_absurd_numerical_answers_and_tolerances(db, auth, client, bank):
    auth.login("trainer@test.vn")
    form = {"name": "Số", "text": "Bao nhiêu?", "text_format": "plain", "answers-0-fraction": "1"}
    url = f"/banks/{bank.id}/questions/new?type=numerical"
    for answer, tolerance, message in (
        ("1e400", "0", "Đáp án «1e400» quá lớn"),
        ("42", "99999999999999999999999", "Sai số «99999999999999999999999» quá lớn"),
        ("42", "-1", "Sai số «-1» không được âm"),
        ("1e-400", "0", "quá 15 chữ số sau dấu thập phân"),
    ):
        response = auth.post(url, form | {"answers-0-text": answer, "answers-0-tolerance": tolerance})
        assert response.status_code == 200 and message in response.get_data(as_text=True), answer
    assert _count(db, bank) == 1
    ok = auth.post(url, form | {"answers-0-text": "1000000000000", "answers-0-tolerance": "0,5"})
    assert ok.status_code == 302 and _count(db, bank) == 2
