"""Checks every importer applies to a parsed question, the ones Moodle applies when it saves one.

Each returns Vietnamese messages; the caller attaches the line or row.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from elearn.quizzes.formats.model import ParsedQuestion, match_grade, percent

_MIN_ANSWERS = {"single_choice": 2, "multiple_response": 2, "short_answer": 1, "numerical": 1}

# Numerical answers and tolerances: beyond these a value is a typo (1e400), not a question, and it would be
# shown to trainers and learners as hundreds of digits.
MAX_NUMBER = Decimal(10) ** 12
MAX_DECIMALS = 15
_MAX_NUMBER_TEXT = "1.000.000.000.000"


def number_error(value: Decimal, what: str) -> str | None:
    """Why a numerical answer value cannot be stored (`what` names it, e.g. "Đáp án «1e400»"), or None."""
    if not value.is_finite():
        return f"{what} không phải là số hữu hạn."
    if value.copy_abs() > MAX_NUMBER:
        return f"{what} quá lớn: giá trị tuyệt đối không được vượt quá {_MAX_NUMBER_TEXT}."
    if _decimals(value) > MAX_DECIMALS:
        return f"{what} có quá {MAX_DECIMALS} chữ số sau dấu thập phân."
    return None


def _decimals(value: Decimal) -> int:
    """Digits after the point that matter: 1.500 has 1. No context arithmetic, so 1e-999999 is safe."""
    _, digits, exponent = value.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return 0
    return -(int(exponent) + len(digits) - len(significant))


def tolerance_error(value: Decimal, what: str) -> str | None:
    """Why a tolerance cannot be stored: it must be a finite number from 0 to MAX_NUMBER."""
    if value.is_finite() and value < 0:
        return f"{what} không được âm."
    if value.is_finite() and value > MAX_NUMBER:
        return f"{what} quá lớn: sai số không được vượt quá {_MAX_NUMBER_TEXT}."
    return number_error(value, what)


def normalise_grades(q: ParsedQuestion) -> list[str]:
    """Moodle's import "Error if grade not listed": every weight must be one of its grade options.

    Snaps near misses (33.33333% -> 0.3333333) like Moodle does; reports the others, all at once.
    """
    if q.type in ("essay", "description", "matching"):
        return []
    bad = []
    for answer in q.answers:
        snapped = match_grade(answer.fraction)
        if snapped is None:
            bad.append(answer.fraction)
        else:
            answer.fraction = snapped
    if not bad:
        return []
    listed = ", ".join(f"{percent(f)}% ({f})" for f in bad)
    return [
        f"Trọng số {listed} không thuộc danh sách trọng số hợp lệ (100, 90, 83.333, 80, 75, 70, 66.666, "
        "60, 50, 40, 33.333, 30, 25, 20, 16.666, 14.2857, 12.5, 11.111, 10, 5, 0 và các số âm tương ứng)."
    ]


def question_errors(q: ParsedQuestion) -> list[str]:
    """Structural rules (Moodle's save_question_options checks); weights must already be valid."""
    errors: list[str] = []
    if not q.text.strip():
        errors.append("Thiếu nội dung câu hỏi.")
    need = _MIN_ANSWERS.get(q.type)
    if need and len(q.answers) < need:
        errors.append(f"Câu hỏi cần ít nhất {need} phương án trả lời (hiện có {len(q.answers)}).")
        return errors
    if q.type in ("single_choice", "multiple_response", "short_answer") and any(
        not a.text.strip() for a in q.answers
    ):
        errors.append("Có phương án trả lời để trống.")
    positive = [a.fraction for a in q.answers if a.fraction > 0]
    if q.type == "multiple_response":
        total = sum(positive, Decimal(0)).quantize(Decimal("0.01"))
        if total != 1:
            errors.append(
                "Câu nhiều đáp án: tổng trọng số các phương án đúng phải bằng 100% "
                f"(hiện là {percent(total)}%)."
            )
    elif q.type in ("single_choice", "short_answer", "numerical"):
        best = max((a.fraction for a in q.answers), default=Decimal(0))
        if best != 1:
            errors.append(f"Phải có một phương án đúng 100% (trọng số cao nhất hiện là {percent(best)}%).")
    elif q.type == "matching":
        stems = [p for p in q.pairs if p.question.strip()]
        if len(stems) < 2:
            errors.append(f"Câu ghép đôi cần ít nhất 2 cặp có vế trái (hiện có {len(stems)}).")
        if any(not p.answer.strip() for p in q.pairs):
            errors.append("Câu ghép đôi có vế phải để trống.")
    elif q.type == "true_false":
        fractions = sorted(a.fraction for a in q.answers)
        if [a.text for a in q.answers] != ["true", "false"] or fractions != [0, 1]:
            errors.append("Câu Đúng/Sai phải có đúng một đáp án đúng: Đúng hoặc Sai.")
    if q.type == "numerical":
        errors.extend(_numerical_errors(q))
    return errors


def _numerical_errors(q: ParsedQuestion) -> list[str]:
    errors = []
    for a in q.answers:
        if a.text != "*":
            try:
                value = Decimal(a.text)
            except InvalidOperation:
                errors.append(f"Đáp án «{a.text}» không phải là số.")
                continue
            problem = number_error(value, f"Đáp án «{shorten(a.text)}»")
            if problem:
                errors.append(problem)
                continue
        if a.tolerance is not None:
            problem = tolerance_error(
                a.tolerance, f"Sai số «{shorten(str(a.tolerance))}» của đáp án {shorten(a.text)}"
            )
            if problem:
                errors.append(problem)
    return errors


def shorten(text: str) -> str:
    """A number as the user wrote it, cut so a 300-digit typo does not fill the error list."""
    return text if len(text) <= 30 else text[:27] + "..."
