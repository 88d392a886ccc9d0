"""The spreadsheet template: building it, reading filled-in rows, row-numbered errors, zip bombs."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from elearn.errors import ImportFailed
from elearn.quizzes.formats.xlsx import build_template, parse_xlsx
from elearn.quizzes.formats.xlsx_template import COLUMNS

D = Decimal
HEADER = [label for _, label in COLUMNS]


def workbook(rows: list[dict[str, object]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Câu hỏi"
    ws.append(header)
    keys = [key for key, _ in COLUMNS]
    for row in rows:
        ws.append([row.get(key) for key in keys] if row else [])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def errors_of(data: bytes, **kw) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as caught:
        parse_xlsx(data, **kw)
    return [(e.line, e.message) for e in caught.value.errors]


def test_template_has_header_examples_and_vietnamese_instructions():
    wb = load_workbook(io.BytesIO(build_template()))
    assert wb.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    rows = list(wb["Câu hỏi"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 4
    assert [r[2] for r in rows[1:]] == ["Một đáp án", "Nhiều đáp án", "Đúng/Sai"]
    help_text = "\n".join(str(r[0]) for r in wb["Hướng dẫn"].iter_rows(values_only=True) if r[0])
    assert "Đáp án đúng" in help_text and "Xoá 3 dòng ví dụ" in help_text


def test_template_example_rows_must_be_deleted_but_are_valid_questions():
    assert [line for line, _ in errors_of(build_template())] == [2, 3, 4]
    wb = load_workbook(io.BytesIO(build_template()))
    for row in (2, 3, 4):
        wb["Câu hỏi"].cell(row=row, column=2).value = f"Câu {row}"
    out = io.BytesIO()
    wb.save(out)
    questions = parse_xlsx(out.getvalue())
    assert [q.type for q in questions] == ["single_choice", "multiple_response", "true_false"]
    assert [a.fraction for a in questions[1].answers] == [D("0.3333333"), D("0.3333333"), 0, D("0.3333333")]
    assert [q.options["difficulty"] for q in questions] == [1, 2, 3]
    assert questions[0].tags == ["doan-phi", "de"]


def test_every_type_is_read():
    data = workbook(
        [
            {
                "category": "Điều lệ / Chương 1",
                "name": "Một",
                "type": "mot dap an",
                "text": "Chọn một",
                "answer_a": "Sai",
                "answer_b": "Đúng",
                "correct": "b",
                "feedback_b": "Giỏi",
                "tags": "x; y",
            },
            {
                "type": "Nhiều đáp án",
                "text": "Chọn nhiều",
                "answer_a": "A1",
                "answer_b": "B1",
                "answer_c": "C1",
                "correct": "A:50;C:50;B:-100",
            },
            {
                "type": "Đúng/Sai",
                "text": "Đúng không?",
                "correct": "Sai",
                "feedback_a": "Chưa đúng",
                "difficulty": "khó",
            },
            {"type": "Trả lời ngắn", "text": "Viết tắt?", "answer_a": "LĐLĐ", "answer_b": "LDLD"},
            {
                "type": "Số",
                "text": "Bao nhiêu?",
                "answer_a": "2,5",
                "answer_b": "3:0,5",
                "answer_c": "10..20",
                "answer_d": 7.25,
                "correct": "A:100;B:50;C:50;D:50",
            },
            {},
            {
                "type": "Ghép đôi",
                "text": "Ghép",
                "answer_a": "Chủ tịch -> đứng đầu",
                "answer_b": "UBKT -> kiểm tra",
                "answer_c": "-> gây nhiễu",
            },
            {"type": "Tự luận", "text": "Trình bày", "general_feedback": "Gợi ý"},
            {"type": "Mô tả", "text": "Phần II"},
        ]
    )
    qs = parse_xlsx(data)
    assert [q.type for q in qs] == [
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numerical",
        "matching",
        "essay",
        "description",
    ]
    assert [q.line for q in qs] == [2, 3, 4, 5, 6, 8, 9, 10]
    single = qs[0]
    assert (single.category, single.name, single.tags) == ("Điều lệ/Chương 1", "Một", ["x", "y"])
    assert [(a.text, a.fraction, a.feedback) for a in single.answers] == [("Sai", 0, ""), ("Đúng", 1, "Giỏi")]
    assert [a.fraction for a in qs[1].answers] == [D("0.5"), D(-1), D("0.5")]
    assert [(a.text, a.fraction, a.feedback) for a in qs[2].answers] == [
        ("true", 0, "Chưa đúng"),
        ("false", 1, ""),
    ]
    assert qs[2].options["difficulty"] == 3 and "kho" in qs[2].tags
    assert [a.fraction for a in qs[3].answers] == [1, 1]
    assert [(a.text, a.tolerance, a.fraction) for a in qs[4].answers] == [
        ("2.5", 0, 1),
        ("3", D("0.5"), D("0.5")),
        ("15", 5, D("0.5")),
        ("7.25", 0, D("0.5")),
    ]
    assert [(p.question, p.answer) for p in qs[5].pairs] == [
        ("Chủ tịch", "đứng đầu"),
        ("UBKT", "kiểm tra"),
        ("", "gây nhiễu"),
    ]
    assert qs[6].general_feedback == "Gợi ý"
    assert qs[0].text_format == "plain"


def test_every_bad_row_is_reported_with_its_row_number():
    data = workbook(
        [
            {"type": "Một đáp án", "text": "ok", "answer_a": "x", "answer_b": "y", "correct": "A"},
            {"type": "Trắc nghiệm lạ", "text": "loại sai"},
            {"type": "Một đáp án", "text": "thiếu đáp án", "answer_a": "x", "answer_b": "y"},
            {
                "type": "Nhiều đáp án",
                "text": "tổng sai",
                "answer_a": "x",
                "answer_b": "y",
                "correct": "A:50;B:30",
            },
            {"type": "Một đáp án", "text": "chữ cái trống", "answer_a": "x", "answer_b": "y", "correct": "C"},
            {"type": "Số", "text": "số sai", "answer_a": "hai"},
            {"type": "Đúng/Sai", "text": "tf", "correct": "có lẽ"},
            {"type": "Một đáp án", "answer_a": "x", "answer_b": "y", "correct": "A"},
            {"type": "Nhiều đáp án", "text": "lạ", "answer_a": "x", "answer_b": "y", "correct": "A:33;B:67"},
            {"type": "Một đáp án", "text": "hai đúng", "answer_a": "x", "answer_b": "y", "correct": "A,B"},
            {"type": "Ghép đôi", "text": "ghép", "answer_a": "a - b", "answer_b": "c -> d"},
            {
                "type": "Một đáp án",
                "text": "độ khó",
                "answer_a": "x",
                "answer_b": "y",
                "correct": "A",
                "difficulty": "rất khó",
            },
        ]
    )
    errors = errors_of(data)
    assert [line for line, _ in errors] == list(range(3, 14))
    messages = dict(errors)
    assert "Loại câu hỏi «Trắc nghiệm lạ» không hợp lệ" in messages[3]
    assert "Thiếu «Đáp án đúng»" in messages[4]
    assert "hiện là 80%" in messages[5]
    assert "ô phương án C trống" in messages[6]
    assert "«hai»" in messages[7]
    assert "«Đúng» hoặc «Sai»" in messages[8]
    assert "Thiếu nội dung" in messages[9]
    assert "không thuộc danh sách trọng số hợp lệ" in messages[10]
    assert "chỉ có một đáp án đúng" in messages[11]
    assert "vế trái -> vế phải" in messages[12]
    assert "Độ khó «rất khó»" in messages[13]


def test_header_is_checked():
    errors = errors_of(
        workbook([{"type": "Mô tả"}], header=["Danh mục", "Loai cau hoi", "Cột lạ", "Nội dung"])
    )
    assert errors == [
        (1, "Cột «Cột lạ» không có trong mẫu."),
        (1, "Cột «Nội dung» không có trong mẫu."),
        (1, "Thiếu cột «Nội dung câu hỏi»."),
    ]


def test_code_names_work_as_headers_and_types():
    data = workbook(
        [{"type": "true_false", "text": "ok?", "correct": "TRUE"}], header=[key for key, _ in COLUMNS]
    )
    [q] = parse_xlsx(data)
    assert q.type == "true_false" and q.answers[0].fraction == 1


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_bomb_is_refused_from_the_central_directory():
    bomb = zip_with({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 20_000
    [(line, message)] = errors_of(bomb, max_uncompressed=1024 * 1024)
    assert line == 0 and "giải nén quá lớn" in message


def test_too_many_zip_members_refused():
    many = zip_with({f"f{i}.xml": b"" for i in range(501)})
    assert "thành phần" in errors_of(many)[0][1]


def test_not_a_spreadsheet_and_oversize():
    assert "không phải tệp Excel" in errors_of(b"hello")[0][1]
    assert "Không đọc được" in errors_of(zip_with({"a.txt": b"x"}))[0][1]
    assert "Tệp quá lớn" in errors_of(build_template(), max_bytes=1000)[0][1]


def test_absurd_numerical_answers_are_refused_with_their_row():
    rows = [
        {"type": "Số", "text": "Một?", "answer_a": "1"},
        {"type": "Số", "text": "Lớn?", "answer_a": "1e400"},
        {"type": "Số", "text": "Sai số?", "answer_a": "3:99999999999999999999999"},
        {"type": "Số", "text": "Âm?", "answer_a": "3:-1"},
        {"type": "Số", "text": "Khoảng?", "answer_a": "1e999999..1e999999"},
        {"type": "Số", "text": "Ô số?", "answer_a": 1e300},
    ]
    errors = errors_of(workbook(rows))
    assert [line for line, _ in errors] == [3, 4, 5, 6, 7]
    assert "Phương án A của câu Số: Đáp án «1e400» quá lớn" in errors[0][1]
    assert "Sai số «99999999999999999999999» quá lớn" in errors[1][1]
    assert "Sai số «-1» không được âm" in errors[2][1]
    assert "Giá trị «1e999999» quá lớn" in errors[3][1]
    assert "Đáp án «100000000000000000000000000...» quá lớn" in errors[4][1]
