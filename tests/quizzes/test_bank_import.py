"""Importing into a bank: preview counts, all-or-nothing errors, re-import by (category, name), export
round trips, and the demo seed of the project's banks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.errors import ImportFailed, ValidationError
from elearn.quizzes import bank_import, banks
from elearn.quizzes.formats.gift import parse_gift_upload
from elearn.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion
from elearn.quizzes.seed import bank_title, seed_banks
from elearn.seed_context import SeedContext
from tests import factories

BANKS_DIR = Path(__file__).resolve().parents[2] / "question_banks"
GOOD = """// Ngân hàng câu hỏi: Thử nghiệm

$CATEGORY: Thương lượng/Quy trình

// [tag:quy-trinh] [tag:de]
::TL-01::Thỏa ước lao động tập thể được ký kết sau khi nào?{
=Thương lượng thành công và quá 50% người tham gia biểu quyết tán thành#Đúng.
~Người sử dụng lao động tự quyết định#Sai.
}

::TL-02::Thương lượng tập thể là quyền của người lao động.{T#Đúng vậy.}

$CATEGORY: Thương lượng/Chủ thể

::TL-03::Ghép chủ thể với vai trò.{
=Công đoàn cơ sở -> Đại diện tập thể người lao động
=Người sử dụng lao động -> Bên còn lại của thương lượng
}
"""


def _count(db, model, bank) -> int:
    return db.scalar(select(func.count()).select_from(model).where(model.bank_id == bank.id))


def _versions(db, bank) -> int:
    stmt = (
        select(func.count(QuestionVersion.id))
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.bank_id == bank.id)
    )
    return db.scalar(stmt)


def test_preview_writes_nothing_and_describes_what_will_be_created(db, world):
    bank = banks.create_bank(db, world.trainer, "TL", "Thương lượng")
    report = bank_import.import_bank(db, world.trainer, bank, "tl.gift", GOOD.encode(), dry_run=True)
    assert [p.action for p in report.planned] == ["create"] * 3
    assert dict(report.by_type) == {"Một đáp án": 1, "Đúng/Sai": 1, "Ghép đôi": 1}
    assert report.new_categories == ["Thương lượng", "Thương lượng/Chủ thể", "Thương lượng/Quy trình"]
    assert report.planned[0].first_line.startswith("Thỏa ước lao động tập thể")
    assert _count(db, Question, bank) == 0 and _count(db, QuestionCategory, bank) == 0


def test_reimport_skips_unchanged_and_versions_changed_questions(db, world):
    bank = banks.create_bank(db, world.trainer, "TL", "Thương lượng")
    first = bank_import.import_bank(db, world.trainer, bank, "tl.gift", GOOD.encode())
    assert first.count("create") == 3 and _count(db, Question, bank) == 3

    again = bank_import.import_bank(db, world.trainer, bank, "tl.gift", GOOD.encode())
    assert [p.action for p in again.planned] == ["unchanged"] * 3 and not again.changes
    assert _versions(db, bank) == 3

    changed = GOOD.replace("{T#Đúng vậy.}", "{T#Đúng: Luật Công đoàn ghi rõ.}").replace(
        "[tag:quy-trinh] [tag:de]", "[tag:quy-trinh] [tag:de] [tag:tltt]"
    )
    report = bank_import.import_bank(db, world.trainer, bank, "tl.gift", changed.encode())
    assert [p.action for p in report.planned] == ["retag", "version", "unchanged"]
    assert _count(db, Question, bank) == 3 and _versions(db, bank) == 4
    tf = db.get(Question, report.planned[1].question_id)
    assert tf.current_version.version == 2
    assert tf.current_version.data["feedback_false"] == "Đúng: Luật Công đoàn ghi rõ."  # {T#wrong#right}


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"::A::Q1{=a ~b}\n\n::B::Q2{=a ~b\n", 3, ""),  # unclosed brace on the second question
        ("::A::Chọn hai{\n~%50%a\n~%40%b\n~%-100%c\n}".encode(), 1, "tổng trọng số"),
        (b"::A::C\xe2u h\xf3i {=a ~b}", 1, "UTF-8"),  # Windows-1258 bytes
    ],
    ids=["syntax", "weights", "not-utf8"],
)
def test_bad_files_raise_every_error_with_its_line_and_write_nothing(db, world, data, line, fragment):
    bank = banks.create_bank(db, world.trainer, "BAD", "Lỗi")
    with pytest.raises(ImportFailed) as caught:
        bank_import.import_bank(db, world.trainer, bank, "loi.gift", GOOD.encode() + b"\n\n" + data)
    errors = caught.value.errors
    good_lines = GOOD.count("\n") + 2
    assert errors and errors[0].line == line + good_lines
    assert fragment.lower() in errors[0].message.lower()
    assert _count(db, Question, bank) == 0 and _count(db, QuestionCategory, bank) == 0


def test_format_comes_from_the_extension_or_the_choice(db):
    assert bank_import.detect_format("a.GIFT") == "gift"
    assert bank_import.detect_format("a.txt") == "gift"
    assert bank_import.detect_format("a.xml") == "xml"
    assert bank_import.detect_format("a.xlsx") == "xlsx"
    assert bank_import.detect_format("a.doc", "xml") == "xml"
    with pytest.raises(ImportFailed, match="1 lỗi"):
        bank_import.detect_format("a.doc")


@pytest.mark.parametrize("fmt", ["gift", "xml"])
def test_export_reimports_to_the_same_questions(db, world, fmt):
    bank = banks.create_bank(db, world.trainer, "RT", "Khứ hồi")
    for path in sorted(BANKS_DIR.glob("*.gift"))[:4]:
        bank_import.import_bank(db, world.trainer, bank, path.name, path.read_bytes())
    versions = _versions(db, bank)
    body = bank_import.export_bank(db, world.trainer, bank, fmt)
    report = bank_import.import_bank(db, world.trainer, bank, f"xuat.{fmt}", body)
    assert len(report.planned) == _count(db, Question, bank)
    assert {p.action for p in report.planned} == {"unchanged"}
    assert _versions(db, bank) == versions

    copy = banks.create_bank(db, world.trainer, "RT2", "Bản sao")
    bank_import.import_bank(db, world.trainer, copy, f"xuat.{fmt}", body)
    assert bank_import.bank_questions(db, copy) == bank_import.bank_questions(db, bank)


def test_seed_loads_every_project_bank(db, world):
    ctx = SeedContext(
        today=None, city=world.city, staff_unit=world.a, users={"trainer": world.trainer}, demo_officer=None
    )
    course = factories.course(db, "LLNV-01", owner=world.trainer, modules=(1,))
    ctx.shared["courses"] = {"LLNV-01": course}
    loaded = seed_banks(db, ctx)
    files = sorted(BANKS_DIR.glob("*.gift"))
    assert sorted(loaded) == sorted(p.stem.upper() for p in files)
    assert ctx.shared["banks"] is loaded
    total = sum(len(parse_gift_upload(p.read_bytes())) for p in files)
    count = db.scalar(
        select(func.count(Question.id)).where(Question.bank_id.in_([b.id for b in loaded.values()]))
    )
    assert count == total >= 150
    bank = loaded["LLNV-01"]
    assert bank.title == "Những vấn đề cơ bản về Công đoàn Việt Nam"
    assert bank.owner_id == world.trainer.id and bank.course_id == course.id
    assert loaded["TLTT"].course_id is None
    assert db.scalar(select(QuestionBank).where(QuestionBank.code == "TCCD-CS")) is not None


def test_bank_title_comes_from_the_first_comment_line():
    assert bank_title("// Ngân hàng câu hỏi: An toàn lao động\n\n::a::b{T}", "X") == "An toàn lao động"
    assert bank_title("\n// Tài chính\n", "X") == "Tài chính"
    assert bank_title("::a::b{T}", "ATVSLD") == "ATVSLD"


@pytest.mark.parametrize(
    ("filename", "data", "line"),
    [
        ("loi.gift", b"::A::C\xe2u h\xf3i {=a ~b}", 1),  # Windows-1258 bytes
        ("loi.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>é</quiz>'.encode("cp1258"), 2),
        ("loi.xml", "<quiz>\n\n<question>é</question></quiz>".encode("cp1258"), 3),
    ],
    ids=["gift", "xml-declared-utf8", "xml-undeclared"],
)
def test_non_utf8_text_files_get_a_text_editor_hint_not_a_csv_one(db, world, filename, data, line):
    with pytest.raises(ImportFailed) as caught:
        bank_import.import_bank(db, world.trainer, None, filename, data, dry_run=True)
    [error] = caught.value.errors
    assert error.line == line and error.message.startswith("Tệp không phải UTF-8")
    assert "Notepad: Lưu thành… → Mã hóa UTF-8" in error.message and "CSV" not in error.message


def test_xml_in_a_declared_latin1_encoding_is_still_read(db, world):
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz><question type="essay"><name><text>Café</text>'
        "</name><questiontext><text>Écrire</text></questiontext></question></quiz>"
    ).encode("latin-1")
    report = bank_import.import_bank(db, world.trainer, None, "a.xml", data, dry_run=True)
    assert [p.parsed.name for p in report.planned] == ["Café"]


NUMERIC_XML = """<quiz>
<question type="numerical"><name><text>Đúng</text></name><questiontext><text>1?</text></questiontext>
  <answer fraction="100"><text>1</text><tolerance>0</tolerance></answer></question>
<question type="numerical"><name><text>Lớn</text></name><questiontext><text>2?</text></questiontext>
  <answer fraction="100"><text>1e400</text><tolerance>0</tolerance></answer></question>
<question type="numerical"><name><text>Sai số</text></name><questiontext><text>3?</text></questiontext>
  <answer fraction="100"><text>3</text><tolerance>99999999999999999999999</tolerance></answer></question>
<question type="multichoice"><name><text>Điểm</text></name><questiontext><text>4?</text></questiontext>
  <answer fraction="1e999999999"><text>a</text></answer>
  <answer fraction="0"><text>b</text></answer></question>
</quiz>"""


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        (
            "so.gift",
            "::Đúng:: 1? {#1}\n\n::Lớn:: 2? {#1e400}\n\n::Sai số:: 3? {#3:99999999999999999999999}\n\n"
            "::Âm:: 4? {#3:-1}\n\n::Khoảng:: 5? {#1e999999..1e999999}\n\n::Điểm:: 6? {=%1e999999999%a ~b}",
            [
                (3, "Đáp án «1e400» quá lớn"),
                (5, "Sai số «99999999999999999999999» quá lớn"),
                (7, "Sai số «-1» không được âm"),
                (9, "Giá trị nhỏ nhất «1e999999» quá lớn"),
                (9, "Giá trị lớn nhất «1e999999» quá lớn"),
                (11, "Trọng số %1e999999999% quá lớn"),
            ],
        ),
        (
            "so.xml",
            NUMERIC_XML,
            [
                (4, "Câu hỏi «Lớn»: Đáp án «1e400» quá lớn"),
                (6, "Câu hỏi «Sai số»: Sai số «99999999999999999999999» quá lớn"),
                (8, "Câu hỏi «Điểm»: Điểm của phương án «1e999999999» quá lớn"),
            ],
        ),
    ],
    ids=["gift", "xml"],
)
def test_text_importers_refuse_absurd_numbers_with_their_line(db, world, filename, data, expected):
    with pytest.raises(ImportFailed) as caught:
        bank_import.import_bank(db, world.trainer, None, filename, data.encode(), dry_run=True)
    errors = caught.value.errors
    assert len(errors) == len(expected)
    for error, (line, fragment) in zip(errors, expected, strict=True):
        assert error.line == line and fragment in error.message, error


def test_saving_checks_numerical_limits_whatever_the_source(db, world):
    bank = banks.create_bank(db, world.trainer, "SO", "Số")
    [q] = parse_gift_upload("::Số:: Bao nhiêu? {#42:1}".encode())
    q.answers[0].text = "1e400"
    with pytest.raises(ValidationError, match="Đáp án «1e400» quá lớn"):
        banks.save_question(db, world.trainer, bank, q)
    q.answers[0].text, q.answers[0].tolerance = "42", Decimal("1E+23")
    with pytest.raises(ValidationError, match="quá lớn"):
        banks.save_question(db, world.trainer, bank, q)
    assert _count(db, Question, bank) == 0
