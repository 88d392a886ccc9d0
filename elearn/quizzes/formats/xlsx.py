"""Questions from the spreadsheet template (see xlsx_template.py); errors carry the row number.

The zip's central directory is checked before openpyxl opens anything: a zip bomb is refused by its
declared sizes, and Python's zipfile never inflates a member past its declared size.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from elearn.errors import ImportFailed, RowError
from elearn.quizzes.formats.model import (
    ParsedAnswer,
    ParsedPair,
    ParsedQuestion,
    apply_difficulty,
    clean_name,
    decimal_str,
    default_name,
    default_options,
    fold,
    match_grade,
    split_category,
)
from elearn.quizzes.formats.rules import (
    normalise_grades,
    number_error,
    question_errors,
    shorten,
    tolerance_error,
)
from elearn.quizzes.formats.uploads import FILE_LEVEL, size_error
from elearn.quizzes.formats.xlsx_template import (
    DIFFICULTY_NAMES,
    DIFFICULTY_TAG,
    EXAMPLES,
    HEADER_KEYS,
    LETTERS,
    QUESTION_SHEET,
    TYPE_KEYS,
    build_template,
)

__all__ = ["build_template", "parse_xlsx"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_ROWS = 5000
_WEIGHTED = re.compile(r"^([A-Fa-f])\s*(?:[:=]\s*(-?\d+(?:[.,]\d+)?)\s*%?)?$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_CHOICE_TYPES = ("single_choice", "multiple_response")
_TRUE = {"dung", "d", "true", "t", "1", "co"}
_FALSE = {"sai", "s", "false", "f", "0", "khong"}


class _RowProblem(Exception):
    pass


def _check_zip(data: bytes, max_uncompressed: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportFailed([RowError(FILE_LEVEL, "Tệp không phải tệp Excel .xlsx hợp lệ.")]) from None
    total = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or total > max_uncompressed:
        raise ImportFailed(
            [
                RowError(
                    FILE_LEVEL,
                    f"Tệp Excel khi giải nén quá lớn ({total // (1024 * 1024)} MB, "
                    f"{len(members)} thành phần); tệp có thể bị hỏng hoặc độc hại. "
                    "Hãy lưu lại từ mẫu của hệ thống.",
                )
            ]
        )


def _read_rows(data: bytes) -> list[tuple[Any, ...]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportFailed([RowError(FILE_LEVEL, "Không đọc được tệp Excel (.xlsx).")]) from None
    try:
        ws = wb[QUESTION_SHEET] if QUESTION_SHEET in wb.sheetnames else wb.worksheets[0]
        if (ws.max_row or 0) > MAX_ROWS + 1:
            raise ImportFailed([RowError(FILE_LEVEL, f"Tệp có quá {MAX_ROWS} dòng; hãy chia nhỏ tệp.")])
        return [tuple(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def parse_xlsx(
    data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED
) -> list[ParsedQuestion]:
    """Every question in the sheet, or ImportFailed listing every bad row (row numbers as Excel shows)."""
    if len(data) > max_bytes:
        raise size_error(len(data), max_bytes)
    _check_zip(data, max_uncompressed)
    rows = _read_rows(data)
    if not rows:
        raise ImportFailed([RowError(FILE_LEVEL, "Trang tính trống: thiếu dòng tiêu đề.")])
    columns, errors = _header(rows[0])
    if errors:
        raise ImportFailed(errors)
    examples = [{k: v for k, v in e.items() if v} for e in EXAMPLES]
    questions: list[ParsedQuestion] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _cell(row[i]) for i, key in columns.items() if i < len(row)}
        values = {k: v for k, v in values.items() if v}
        if not values:
            continue
        if values in examples:
            errors.append(RowError(number, "Dòng ví dụ của mẫu chưa được xoá."))
            continue
        try:
            q = _question(values, number)
        except _RowProblem as exc:
            errors.append(RowError(number, str(exc)))
            continue
        problems = normalise_grades(q) or question_errors(q)
        errors.extend(RowError(number, p) for p in problems)
        questions.append(q)
    if errors:
        raise ImportFailed(errors)
    if not questions:
        raise ImportFailed([RowError(FILE_LEVEL, "Tệp không có câu hỏi nào.")])
    return questions


def _header(row: tuple[Any, ...]) -> tuple[dict[int, str], list[RowError]]:
    columns: dict[int, str] = {}
    errors = []
    for index, value in enumerate(row):
        label = _cell(value)
        if not label:
            continue
        key = HEADER_KEYS.get(fold(label))
        if key is None:
            errors.append(RowError(1, f"Cột «{label}» không có trong mẫu."))
        elif key in columns.values():
            errors.append(RowError(1, f"Cột «{label}» bị lặp."))
        else:
            columns[index] = key
    missing = [
        label
        for label, key in (("Loại câu hỏi", "type"), ("Nội dung câu hỏi", "text"))
        if key not in columns.values()
    ]
    errors.extend(RowError(1, f"Thiếu cột «{label}».") for label in missing)
    return columns, errors


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return decimal_str(Decimal(repr(value)))
    return str(value).strip()


def _question(values: dict[str, str], number: int) -> ParsedQuestion:
    qtype = TYPE_KEYS.get(fold(values.get("type", "")))
    if qtype is None:
        raise _RowProblem(f"Loại câu hỏi «{values.get('type', '')}» không hợp lệ.")
    text = values.get("text", "")
    if not text:
        raise _RowProblem("Thiếu nội dung câu hỏi.")
    q = ParsedQuestion(qtype, clean_name(values.get("name", "")) or default_name(text), text, "plain")
    q.line = number
    q.general_feedback, q.general_feedback_format = values.get("general_feedback", ""), "plain"
    q.category = split_category(values.get("category", ""))
    q.options = default_options(qtype)
    q.tags = [t.strip() for t in re.split(r"[,;]", values.get("tags", "")) if t.strip()]
    if values.get("difficulty"):
        level = DIFFICULTY_NAMES.get(fold(values["difficulty"]))
        if level is None:
            raise _RowProblem(f"Độ khó «{values['difficulty']}» không hợp lệ (Dễ, Trung bình, Khó).")
        if DIFFICULTY_TAG[level] not in q.tags:
            q.tags.append(DIFFICULTY_TAG[level])
    apply_difficulty(q)
    filled = [
        (c, values.get(f"answer_{c.lower()}", ""), values.get(f"feedback_{c.lower()}", "")) for c in LETTERS
    ]
    filled = [f for f in filled if f[1]]
    if qtype == "true_false":
        correct = fold(values.get("correct", ""))
        if correct not in _TRUE | _FALSE:
            raise _RowProblem("Câu Đúng/Sai: cột «Đáp án đúng» phải là «Đúng» hoặc «Sai».")
        right = correct in _TRUE
        q.answers = [
            ParsedAnswer("true", Decimal(int(right)), values.get("feedback_a", ""), None, "moodle", "plain"),
            ParsedAnswer(
                "false", Decimal(int(not right)), values.get("feedback_b", ""), None, "moodle", "plain"
            ),
        ]
    elif qtype == "matching":
        for letter, cell, _ in filled:
            left, arrow, right_text = cell.partition("->")
            if not arrow:
                raise _RowProblem(f"Phương án {letter} của câu Ghép đôi phải có dạng «vế trái -> vế phải».")
            q.pairs.append(ParsedPair(left.strip(), right_text.strip(), "plain"))
    elif qtype in ("single_choice", "multiple_response", "short_answer", "numerical"):
        weights = _weights(values.get("correct", ""), qtype, [f[0] for f in filled])
        for letter, cell, feedback in filled:
            answer = ParsedAnswer(
                cell,
                weights.get(letter, Decimal(0)),
                feedback,
                None,
                "plain" if qtype in _CHOICE_TYPES else "moodle",
                "plain",
            )
            if qtype == "numerical":
                answer.text, answer.tolerance = _numeric_answer(cell, letter)
            q.answers.append(answer)
    return q


def _weights(spec: str, qtype: str, letters: list[str]) -> dict[str, Decimal]:
    """The «Đáp án đúng» cell as letter -> fraction."""
    tokens = [t.strip() for t in re.split(r"[,;]", spec) if t.strip()]
    if not tokens:
        if qtype in ("short_answer", "numerical"):
            return dict.fromkeys(letters, Decimal(1))
        raise _RowProblem("Thiếu «Đáp án đúng».")
    parsed = []
    for token in tokens:
        found = _WEIGHTED.match(token)
        if not found:
            raise _RowProblem(f"«Đáp án đúng» không hiểu được: «{token}» (ví dụ: A hoặc A,C hoặc A:50;C:50).")
        letter = found.group(1).upper()
        if letter not in letters:
            raise _RowProblem(f"«Đáp án đúng» nhắc tới phương án {letter} nhưng ô phương án {letter} trống.")
        weight = Decimal(found.group(2).replace(",", ".")) / 100 if found.group(2) else None
        parsed.append((letter, weight))
    if any(w is not None for _, w in parsed):
        if any(w is None for _, w in parsed):
            raise _RowProblem("«Đáp án đúng»: ghi trọng số cho tất cả hoặc không cho phương án nào.")
        return {letter: w for letter, w in parsed}
    if qtype == "single_choice" and len(parsed) > 1:
        raise _RowProblem("Câu Một đáp án chỉ có một đáp án đúng; dùng loại «Nhiều đáp án» nếu có nhiều.")
    share = Decimal(1) if qtype != "multiple_response" else match_grade(Decimal(1) / len(parsed))
    if share is None:
        raise _RowProblem("Không chia đều được điểm cho các đáp án đúng; hãy ghi trọng số.")
    return {letter: share for letter, _ in parsed}


def _numeric_answer(cell: str, letter: str) -> tuple[str, Decimal]:
    if cell == "*":
        return "*", Decimal(0)
    text = cell.replace("±", ":").replace(" ", "")
    try:
        if ".." in text:
            low, high = (_number(p, letter, "Giá trị") for p in text.split("..", 1))
            if low > high:
                raise InvalidOperation
            middle = (low + high) / 2
            return decimal_str(middle), high - middle
        value, _, tolerance = text.partition(":")
        answer = _number(value, letter, "Đáp án")
        return decimal_str(answer), _number(tolerance, letter, "Sai số") if tolerance else Decimal(0)
    except InvalidOperation:
        raise _RowProblem(
            f"Phương án {letter} của câu Số phải là số («3», «3:0,5» hoặc «1..5»), không phải «{cell}»."
        ) from None


def _number(text: str, letter: str, what: str) -> Decimal:
    """A number of a numerical answer, bounded before any arithmetic (1e400 is a typo, not an answer)."""
    if not _NUMBER.match(text) or ("," in text and "." in text):
        raise InvalidOperation
    value = Decimal(text.replace(",", "."))
    check = tolerance_error if what == "Sai số" else number_error
    problem = check(value, f"{what} «{shorten(text)}»")
    if problem:
        raise _RowProblem(f"Phương án {letter} của câu Số: {problem}")
    return value
