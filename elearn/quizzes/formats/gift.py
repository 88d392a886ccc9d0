"""Moodle GIFT import, following qformat_gift::readquestion() (question/format/gift/format.php).

A blank line ends a question block. Unlike Moodle, parsing never stops at the first bad question: every
problem is collected and raised together as ImportFailed, and then no question is returned.
Deliberate differences from Moodle are listed in `tests/quizzes/test_gift_errors.py`'s module docstring.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from elearn.errors import ImportFailed, RowError
from elearn.quizzes.formats.gift_export import export_gift
from elearn.quizzes.formats.model import (
    TEXT_FORMATS,
    ParsedAnswer,
    ParsedPair,
    ParsedQuestion,
    apply_difficulty,
    clean_name,
    decimal_str,
    default_name,
    default_options,
    split_category,
)
from elearn.quizzes.formats.rules import (
    normalise_grades,
    number_error,
    question_errors,
    shorten,
    tolerance_error,
)
from elearn.quizzes.formats.uploads import DEFAULT_MAX_BYTES, decode_upload

__all__ = ["decode_upload", "export_gift", "extract_idnumber_and_tags", "parse_gift", "parse_gift_upload"]

# Escaped control characters become private-use placeholders until a text is final (Moodle's
# escapedchar_pre/post with "&&058;"-style placeholders).
_PLACEHOLDERS = {":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005", "~": "\ue006"}
_NEWLINE = "\ue007"
_BACKSLASH = "\ue000"
_POST = {v: k for k, v in _PLACEHOLDERS.items()} | {_NEWLINE: "\n"}

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_WEIGHT_TRY = re.compile(r"^%([^%\n]{0,12})%")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FORMAT_TRY = re.compile(r"^\[([a-z]{2,12})\]")
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f\x7f])+)\]")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Block:
    """One question block: its text with escapes replaced, and where each offset sits in the file."""

    def __init__(self, text: str, line: int):
        self.text = text
        self.line = line
        self.errors: list[RowError] = []

    def line_at(self, pos: int) -> int:
        return self.line + self.text[:pos].count("\n")

    def error(self, pos: int, message: str) -> None:
        self.errors.append(RowError(self.line_at(pos), message))


def _pre(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _PLACEHOLDERS.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace("\\n", _NEWLINE).replace(_BACKSLASH, "\\")


def _post(text: str) -> str:
    for placeholder, char in _POST.items():
        text = text.replace(placeholder, char)
    return text


def extract_idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    """Moodle's extract_idnumber_and_tags_from_comment(): the first [id:...] and every [tag:...]."""
    found = _ID_RE.search(comment)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = [m.group(1).strip().replace("\\]", "]") for m in _TAG_RE.finditer(comment)]
    return idnumber, tags


def parse_gift_upload(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedQuestion]:
    return parse_gift(decode_upload(data, max_bytes))


def parse_gift(text: str) -> list[ParsedQuestion]:
    """Every question in a GIFT text, or ImportFailed listing every bad question with its line."""
    text = text.removeprefix("\ufeff")
    questions: list[ParsedQuestion] = []
    errors: list[RowError] = []
    category = ""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*_LINE_SPLIT.split(text), ""], start=1):
        line = raw.strip()
        if line:
            block.append((number, line))
            continue
        if not block:
            continue
        result = _read_block(block, category)
        block = []
        if isinstance(result, str):
            category = result
        elif isinstance(result, ParsedQuestion):
            questions.append(result)
        elif result:
            errors.extend(result)
    if errors:
        raise ImportFailed(errors)
    return questions


def _read_block(lines: list[tuple[int, str]], category: str) -> ParsedQuestion | str | list[RowError] | None:
    comments = "\n".join(line for _, line in lines if line.startswith("//"))
    joined = "\n".join(" " if line.startswith("//") else line for _, line in lines)
    body = joined.lstrip()
    first_line = lines[0][0] + joined[: len(joined) - len(body)].count("\n")
    body = body.rstrip()
    if not body:
        return None
    b = _Block(_pre(body), first_line)
    if b.text.startswith("$CATEGORY:"):
        return split_category(_post(b.text[len("$CATEGORY:") :]))

    name = None
    if b.text.startswith("::"):
        rest = b.text[2:]
        end = rest.find("::")
        if end >= 0:
            name = clean_name(_post(rest[:end]))
            after = rest[end + 2 :].lstrip()
            b.line = b.line_at(len(b.text) - len(after))
            b.text = after
        else:
            b.text = rest
    q = _read_question(b)
    if q is None:
        return b.errors
    q.line = first_line
    q.name = name or default_name(q.text)
    idnumber, q.tags = extract_idnumber_and_tags(comments)
    q.idnumber = idnumber or None
    q.category = category
    apply_difficulty(q)
    problems = normalise_grades(q) or question_errors(q)
    label = f"Câu hỏi «{q.name}»: "
    b.errors.extend(RowError(first_line, label + p) for p in problems)
    return b.errors or q


def _with_format(b: _Block, text: str, pos: int, default: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format(): an optional [html]/[moodle]/[plain]/[markdown] prefix."""
    text = text.strip()
    fmt = default
    found = _FORMAT_TRY.match(text)
    if found:
        if found.group(1) in TEXT_FORMATS:
            fmt, text = found.group(1), text[found.end() :]
        else:
            b.error(
                pos,
                f"Định dạng văn bản [{found.group(1)}] không hợp lệ; chỉ dùng [html], [moodle], [markdown] "
                "hoặc [plain] (muốn giữ nguyên chữ trong ngoặc vuông thì viết [moodle] ở trước).",
            )
    return _post(text).strip(), fmt


def _read_question(b: _Block) -> ParsedQuestion | None:
    text = b.text
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        qtext, fmt = _with_format(b, text, 0, "moodle")
        if b.errors:
            return None
        options = default_options("description")
        return ParsedQuestion("description", "", qtext, fmt, options=options, general_feedback_format=fmt)
    if start < 0:
        b.error(finish, "Có dấu '}' nhưng thiếu dấu '{' mở khối đáp án (muốn viết dấu ngoặc thường: \\}).")
        return None
    if finish < 0:
        b.error(start, "Khối đáp án mở bằng '{' nhưng thiếu dấu '}' đóng (muốn viết dấu ngoặc thường: \\{).")
        return None
    if finish < start:
        b.error(finish, "Dấu '}' đứng trước dấu '{': ngoặc nhọn không cân đối.")
        return None
    nested = text.find("{", start + 1, finish)
    if nested >= 0:
        b.error(nested, "Khối đáp án chưa đóng bằng '}' thì đã gặp '{' khác: ngoặc nhọn không cân đối.")
        return None
    extra = min((p for p in (text.find("{", finish + 1), text.find("}", finish + 1)) if p >= 0), default=-1)
    if extra >= 0:
        b.error(
            extra,
            "Mỗi câu hỏi chỉ có một khối đáp án {...}; dấu ngoặc nhọn trong nội dung phải viết \\{ \\}.",
        )
        return None

    raw_answers = text[start + 1 : finish]
    answers = raw_answers.strip()
    apos = start + 1 + len(raw_answers) - len(raw_answers.lstrip())
    if text.endswith("}"):
        qtext = text[:start] + text[finish + 1 :]
    else:  # Moodle's "missing word" format: the blank stays where the answers were.
        qtext = text[:start] + "_____" + text[finish + 1 :]
    general = ""
    gf_at = answers.rfind("####")
    if gf_at >= 0:
        general = answers[gf_at + 4 :]
        answers = answers[:gf_at].strip()
    qtext, fmt = _with_format(b, qtext, 0, "moodle")
    general, gformat = _with_format(b, general, apos + gf_at, fmt)
    qtype = _detect_type(answers)
    q = ParsedQuestion(
        qtype, "", qtext, fmt, general, options=default_options(qtype), general_feedback_format=gformat
    )
    reader = {
        "choice": _read_choices,
        "matching": _read_matching,
        "true_false": _read_true_false,
        "short_answer": _read_short_answers,
        "numerical": _read_numerical,
    }.get(qtype)
    if reader:
        reader(b, q, answers, apos)
    return None if b.errors else q


def _detect_type(answers: str) -> str:
    if answers == "":
        return "essay"
    if answers[0] == "#":
        return "numerical"
    if "~" in answers:
        return "choice"
    if "=" in answers and "->" in answers:
        return "matching"
    check = answers.split("#", 1)[0].strip() if answers.find("#") > 0 else answers
    return "true_false" if check in _TF else "short_answer"


def _pieces(text: str, offset: int, pattern: str) -> list[tuple[str, int]]:
    """Split like PHP explode(), dropping an empty first piece, keeping each piece's offset."""
    out, pos = [], 0
    for m in re.finditer(pattern, text):
        out.append((text[pos : m.start()], offset + pos))
        pos = m.end()
    out.append((text[pos:], offset + pos))
    if out and not out[0][0].strip():
        out.pop(0)
    return [(p.strip(), at + len(p) - len(p.lstrip())) for p, at in out]


def _weight(b: _Block, answer: str, pos: int) -> tuple[Decimal | None, str]:
    found = _WEIGHT_TRY.match(answer)
    if not found:
        return None, answer
    try:
        value = Decimal(found.group(1)) if _NUMBER.match(found.group(1)) else None
    except InvalidOperation:
        value = None
    if value is None:
        b.error(pos, f"Trọng số %{found.group(1)}% không phải là số.")
        return Decimal(0), answer[found.end() :]
    problem = number_error(value, f"Trọng số %{found.group(1)}%")
    if problem:
        b.error(pos, problem)
        return Decimal(0), answer[found.end() :]
    return value / 100, answer[found.end() :]


def _split_feedback(b: _Block, answer: str, pos: int, fmt: str) -> tuple[str, str, str, str]:
    text, _, feedback = answer.partition("#")
    atext, aformat = _with_format(b, text, pos, fmt)
    ftext, fformat = _with_format(b, feedback, pos, fmt)
    return atext, aformat, ftext, fformat


def _read_choices(b: _Block, q: ParsedQuestion, answers: str, apos: int) -> None:
    single = "=" in answers
    q.type = "single_choice" if single else "multiple_response"
    q.options = default_options(q.type)
    for piece, pos in _pieces(answers, apos, r"~|(?==)"):
        weight: Decimal | None = Decimal(0)
        if piece.startswith("="):
            piece = piece[1:]
            weight, piece = _weight(b, piece, pos)  # Moodle ignores a weight after "="
            weight = Decimal(1) if weight is None else weight
        else:
            weight, piece = _weight(b, piece, pos)
            weight = Decimal(0) if weight is None else weight
        atext, aformat, ftext, fformat = _split_feedback(b, piece, pos, q.text_format)
        q.answers.append(ParsedAnswer(atext, weight, ftext, None, aformat, fformat))


def _read_matching(b: _Block, q: ParsedQuestion, answers: str, apos: int) -> None:
    for piece, pos in _pieces(answers, apos, r"="):
        marker = piece.find("->")
        if marker < 0:
            b.error(pos, "Mỗi cặp ghép đôi phải có dạng =vế trái -> vế phải.")
            continue
        left, lformat = _with_format(b, piece[:marker], pos, q.text_format)
        q.pairs.append(ParsedPair(left, _post(piece[marker + 2 :]).strip(), lformat))


def _read_true_false(b: _Block, q: ParsedQuestion, answers: str, apos: int) -> None:
    bits = answers.split("#", 2) + ["", ""]
    correct = _TF[bits[0].strip()]
    wrong, wformat = _with_format(b, bits[1], apos, q.text_format)
    right, rformat = _with_format(b, bits[2], apos, q.text_format)
    fb_true, ft = (right, rformat) if correct else (wrong, wformat)
    fb_false, ff = (wrong, wformat) if correct else (right, rformat)
    q.answers = [
        ParsedAnswer("true", Decimal(int(correct)), fb_true, None, "moodle", ft),
        ParsedAnswer("false", Decimal(int(not correct)), fb_false, None, "moodle", ff),
    ]


def _read_short_answers(b: _Block, q: ParsedQuestion, answers: str, apos: int) -> None:
    for piece, pos in _pieces(answers, apos, r"="):
        weight, piece = _weight(b, piece, pos)
        atext, _, ftext, fformat = _split_feedback(b, piece, pos, q.text_format)
        q.answers.append(
            ParsedAnswer(atext, Decimal(1) if weight is None else weight, ftext, None, "moodle", fformat)
        )


def _number(b: _Block, text: str, pos: int, what: str, check=number_error) -> Decimal | None:
    """A number of a numerical answer; `check` (rules.number_error or tolerance_error) bounds it."""
    text = text.strip()
    if not _NUMBER.match(text):
        b.error(pos, f"{what} «{_post(text)}» không phải là số (dùng dấu chấm thập phân, ví dụ 2.5).")
        return None
    value = Decimal(text)
    problem = check(value, f"{what} «{shorten(_post(text))}»")
    if problem:
        b.error(pos, problem)
        return None
    return value


def _read_numerical(b: _Block, q: ParsedQuestion, answers: str, apos: int) -> None:
    answers, apos = answers[1:], apos + 1
    body, tilde, wrong = answers.partition("~")
    for piece, pos in _pieces(body, apos, r"="):
        weight, piece = _weight(b, piece, pos)
        value_text, _, feedback, fformat = _split_feedback(b, piece, pos, q.text_format)
        fraction = Decimal(1) if weight is None else weight
        if value_text == "*":
            q.answers.append(ParsedAnswer("*", fraction, feedback, Decimal(0), "moodle", fformat))
            continue
        if value_text.find("..") > 0:
            low, _, high = value_text.partition("..")
            lo, hi = _number(b, low, pos, "Giá trị nhỏ nhất"), _number(b, high, pos, "Giá trị lớn nhất")
            if lo is None or hi is None:
                continue
            if lo > hi:
                b.error(pos, f"Khoảng {lo}..{hi} không hợp lệ: giá trị đầu phải nhỏ hơn giá trị cuối.")
                continue
            middle = (lo + hi) / 2
            value_text, value, tolerance = decimal_str(middle), middle, hi - middle
        elif value_text.find(":") > 0:
            val, _, tol = value_text.partition(":")
            value_text = val.strip()
            value = _number(b, val, pos, "Đáp án")
            tolerance = _number(b, tol, pos, "Sai số", tolerance_error)
        else:
            value, tolerance = _number(b, value_text, pos, "Đáp án"), Decimal(0)
        if value is not None and tolerance is not None:
            q.answers.append(ParsedAnswer(value_text, fraction, feedback, tolerance, "moodle", fformat))
    if tilde:
        stray, _, feedback = wrong.partition("#")
        if stray.strip():
            b.error(apos, "Trong câu hỏi số, sau dấu ~ chỉ được viết phản hồi cho câu sai: ~#phản hồi.")
        ftext, fformat = _with_format(b, feedback, apos, q.text_format)
        q.answers.append(ParsedAnswer("*", Decimal(0), ftext, Decimal(0), "moodle", fformat))
