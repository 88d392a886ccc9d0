"""`flask banks import|export`: dry-run JSON shape, errors on stderr with a non-zero exit, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.quizzes import banks
from elearn.quizzes.models import Question, QuestionBank
from tests.quizzes.moodle_fixtures import XML, XML_INPUTS

BANKS_DIR = Path(__file__).resolve().parents[2] / "question_banks"
ANSWER_KEYS = {"text", "fraction", "feedback"}


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()  # click 8.2: result.stdout and result.stderr are kept apart


def _questions(db) -> int:
    return db.scalar(select(func.count(Question.id)))


def _dry_run(runner, path: Path, *extra: str) -> list[dict]:
    result = runner.invoke(
        args=["banks", "import", str(path), "--bank", "THU", "--dry-run", "--json", *extra]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _moodle(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"Moodle reference fixtures not found at {path.parent}")
    return path


def test_dry_run_json_of_moodle_numerical_fixture(runner, db):
    before = _questions(db)
    [q] = _dry_run(runner, _moodle(XML_INPUTS / "07_import_numerical_19.xml"))
    assert q["type"] == "numerical" and q["name"] == "Numerical question"
    assert q["text"] == "What is the answer?"
    assert q["general_feedback"] == "General feedback: Think Hitch-hikers guide to the Galaxy."
    assert q["answers"] == [
        {"text": "42", "fraction": 1.0, "feedback": "Well done!", "tolerance": 0.001},
        {"text": "13", "fraction": 0.0, "feedback": "What were you thinking?!", "tolerance": 1.0},
        {"text": "*", "fraction": 0.0, "feedback": "Completely wrong.", "tolerance": 0.0},
    ]
    assert _questions(db) == before
    assert db.scalar(select(QuestionBank).where(QuestionBank.code == "THU")) is None


def test_dry_run_json_of_moodle_categories_and_true_false(runner):
    questions = _dry_run(runner, _moodle(XML / "nested_categories_with_questions.xml"))
    by_name = {q["name"]: q for q in questions}
    iota = by_name["Iota Question"]
    assert iota["type"] == "true_false" and iota["category"] == "Iota"
    assert [(a["text"], a["fraction"]) for a in iota["answers"]] == [("true", 1.0), ("false", 0.0)]
    assert by_name["Kappa Essay Question"]["category"] == "Iota/Kappa"
    tf = _dry_run(runner, _moodle(XML_INPUTS / "09_import_truefalse_19.xml"), "--format", "xml")
    assert [(a["text"], a["fraction"], a["feedback"]) for a in tf[0]["answers"]] == [
        ("true", 1.0, "Well done!"),
        ("false", 0.0, "Doh!"),
    ]


@pytest.mark.parametrize("path", sorted(BANKS_DIR.glob("*.gift")), ids=lambda p: p.name)
def test_dry_run_json_shape_of_project_banks(runner, path):
    questions = _dry_run(runner, path)
    assert questions
    for q in questions:
        assert {"type", "name", "text", "general_feedback", "tags", "category", "answers"} <= set(q)
        assert q["category"] and isinstance(q["tags"], list)
        for a in q["answers"]:
            assert set(a) >= ANSWER_KEYS and 0 <= abs(a["fraction"]) <= 1
            assert ("tolerance" in a) == (q["type"] == "numerical")
        if q["type"] == "matching":
            assert q["pairs"] and all(set(p) == {"question", "answer"} for p in q["pairs"])
        if q["type"] == "true_false":
            assert [a["text"] for a in q["answers"]] == ["true", "false"]
            assert sorted(a["fraction"] for a in q["answers"]) == [0.0, 1.0]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"::A::Q1{=a ~b}\n\n\n::B::Q2{=a ~b\n", "dòng 4", ""),
        (b"::A::Q{\n~%50%a\n~%40%b\n~c\n}", "dòng 1", "100%"),
        (b"::A::C\xe2u h\xf3i {=a ~b}", "dòng 1", "UTF-8"),
    ],
    ids=["syntax", "weights", "not-utf8"],
)
def test_bad_input_exits_non_zero_with_every_error_on_stderr_and_writes_nothing(
    runner, db, tmp_path, content, line, fragment
):
    path = tmp_path / "loi.gift"
    path.write_bytes(content)
    before = _questions(db)
    for extra in ([], ["--dry-run", "--json"]):
        result = runner.invoke(args=["banks", "import", str(path), "--bank", "LOI", *extra])
        assert result.exit_code == 1
        assert line in result.stderr and fragment in result.stderr
        assert result.stdout == ""
    assert _questions(db) == before
    assert banks.find_bank(db, "LOI") is None


def test_import_creates_the_bank_then_export_reimports_unchanged(runner, db, tmp_path):
    source = BANKS_DIR / "tltt.gift"
    result = runner.invoke(args=["banks", "import", str(source), "--bank", "tltt-copy"])
    assert result.exit_code == 0, result.stderr
    bank = banks.find_bank(db, "TLTT-COPY")
    assert bank.title == "TLTT-COPY"
    created = db.scalar(select(func.count(Question.id)).where(Question.bank_id == bank.id))
    assert created > 0 and f"thêm mới {created}" in result.stdout

    for fmt in ("gift", "xml"):
        out = tmp_path / f"xuat.{fmt}"
        result = runner.invoke(
            args=["banks", "export", "--bank", "TLTT-COPY", "--format", fmt, "-o", str(out)]
        )
        assert result.exit_code == 0, result.stderr
        result = runner.invoke(args=["banks", "import", str(out), "--bank", "TLTT-COPY"])
        assert result.exit_code == 0, result.stderr
        assert f"không đổi {created}" in result.stdout and "thêm mới 0" in result.stdout

    result = runner.invoke(args=["banks", "export", "--bank", "KHONG-CO", "--format", "gift", "-o", str(out)])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("de.pdf", b"%PDF-1.4", "Tệp: Không nhận ra định dạng tệp"),
        ("rong.xml", b"<quiz></quiz>", "Tệp: Tệp không có câu hỏi nào."),
    ],
    ids=["pdf", "xml-without-questions"],
)
def test_whole_file_errors_are_printed_without_a_line_number(
    runner, db, tmp_path, filename, content, message
):
    path = tmp_path / filename
    path.write_bytes(content)
    result = runner.invoke(args=["banks", "import", str(path), "--bank", "LOI", "--dry-run"])
    assert result.exit_code == 1
    assert message in result.stderr and "dòng 0" not in result.stderr
