"""Moodle XML import (question/format/xml/format.php semantics), via a defused SAX parser.

Every bad question is reported (line of its <question> element, its name, a Vietnamese reason) and then
nothing is returned. Hints, <hidden>, combined feedback and other display options are tolerated and
dropped; cloze (multianswer), calculated and other plugin types are refused per question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from elearn.errors import ImportFailed, RowError
from elearn.quizzes.formats.model import (
    ParsedAnswer,
    ParsedCategory,
    ParsedPair,
    ParsedQuestion,
    apply_difficulty,
    clean_name,
    default_name,
    default_options,
    split_category,
)
from elearn.quizzes.formats.moodle_xml_export import export_moodle_xml
from elearn.quizzes.formats.rules import normalise_grades, number_error, question_errors, shorten
from elearn.quizzes.formats.uploads import FILE_LEVEL, check_xml_encoding, size_error
from elearn.quizzes.formats.xmltree import Node, parse_xml

__all__ = ["ParsedBank", "export_moodle_xml", "parse_moodle_xml", "parse_moodle_xml_bank"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
_SIMPLE_TYPES = {
    "truefalse": "true_false",
    "shortanswer": "short_answer",
    "numerical": "numerical",
    "matching": "matching",
    "match": "matching",
    "essay": "essay",
    "description": "description",
}
_NUMBER_CHARS = set("0123456789+-.eE")


class _QuestionError(Exception):
    pass


@dataclass
class ParsedBank:
    questions: list[ParsedQuestion] = field(default_factory=list)
    categories: list[ParsedCategory] = field(default_factory=list)


def parse_moodle_xml(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedQuestion]:
    return parse_moodle_xml_bank(data, max_bytes).questions


def parse_moodle_xml_bank(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedBank:
    """Questions and the categories declared for them (with their descriptions and idnumbers)."""
    if len(data) > max_bytes:
        raise size_error(len(data), max_bytes)
    check_xml_encoding(data)
    root = parse_xml(data)
    if root.tag == "question":
        items = [root]
    elif root.tag == "quiz":
        items = root.findall("question")
    else:
        raise ImportFailed([RowError(root.line, "Không phải tệp Moodle XML: phần tử gốc phải là <quiz>.")])
    bank = ParsedBank()
    errors: list[RowError] = []
    category = ""
    for node in items:
        if node.attrs.get("type") == "category":
            parsed = _read_category(node)
            category = parsed.path
            bank.categories.append(parsed)
            continue
        name = clean_name(node.child_text("name"))
        try:
            q = _read_question(node)
        except _QuestionError as exc:
            errors.append(RowError(node.line, f"Câu hỏi «{name or '(không tên)'}»: {exc}"))
            continue
        q.category = category
        problems = normalise_grades(q) or question_errors(q)
        errors.extend(RowError(node.line, f"Câu hỏi «{q.name}»: {p}") for p in problems)
        bank.questions.append(q)
    if errors:
        raise ImportFailed(errors)
    if not bank.questions and not bank.categories:
        raise ImportFailed([RowError(FILE_LEVEL, "Tệp không có câu hỏi nào.")])
    return bank


def _read_category(node: Node) -> ParsedCategory:
    info = node.find("info")
    idnumber = node.child_text("idnumber")
    return ParsedCategory(
        split_category(node.child_text("category")),
        node.child_text("info"),
        _format(info, "moodle"),
        idnumber or None,
    )


def _format(node: Node | None, default: str) -> str:
    if node is None or "format" not in node.attrs:
        return default
    value = node.attrs["format"]
    if value not in FORMATS:
        raise _QuestionError(f"định dạng văn bản «{value}» không hợp lệ.")
    return FORMATS[value]


def _bool(node: Node, tag: str, default: bool) -> bool:
    found = node.find(tag)
    if found is None:
        return default
    value = found.text.strip().lower()
    if value == "":  # <shownumcorrect/> style flags
        return True
    return value not in ("0", "false", "no")


def _decimal(text: str, what: str, default: Decimal | None = None) -> Decimal:
    """A number; absurd magnitudes (1e400) are refused here, before any arithmetic can overflow."""
    text = text.strip()
    if text == "" and default is not None:
        return default
    try:
        if not text or not set(text) <= _NUMBER_CHARS:
            raise InvalidOperation
        value = Decimal(text)
    except InvalidOperation:
        raise _QuestionError(f"{what} «{text}» không phải là số.") from None
    problem = number_error(value, f"{what} «{shorten(text)}»")
    if problem:
        raise _QuestionError(problem)
    return value


def _int(node: Node, tag: str, default: int) -> int:
    text = node.child_text(tag)
    try:
        return int(text) if text else default
    except ValueError:
        raise _QuestionError(f"<{tag}> «{text}» không phải là số nguyên.") from None


def _read_question(node: Node) -> ParsedQuestion:
    xml_type = node.attrs.get("type", "")
    if xml_type in ("cloze", "multianswer"):
        raise _QuestionError(
            "câu hỏi dạng Cloze (điền nhiều chỗ trống) chưa được hỗ trợ; hãy tách thành các câu hỏi riêng."
        )
    if xml_type != "multichoice" and xml_type not in _SIMPLE_TYPES:
        raise _QuestionError(f"loại câu hỏi «{xml_type or '(không ghi)'}» chưa được hỗ trợ.")
    if _has_files(node):
        raise _QuestionError("câu hỏi có tệp đính kèm (hình ảnh, âm thanh) chưa được hỗ trợ khi nhập.")
    fmt = _format(node.find("questiontext"), "html")
    if xml_type == "multichoice":
        qtype = "single_choice" if _bool(node, "single", True) else "multiple_response"
    else:
        qtype = _SIMPLE_TYPES[xml_type]
    text = node.child_text("questiontext")
    q = ParsedQuestion(qtype, clean_name(node.child_text("name")) or default_name(text), text, fmt)
    q.line = node.line
    q.general_feedback = node.child_text("generalfeedback")
    q.general_feedback_format = _format(node.find("generalfeedback"), fmt)
    q.options = default_options(qtype)
    q.options["default_mark"] = _decimal(
        node.child_text("defaultgrade"), "Điểm mặc định", q.options["default_mark"]
    )
    q.options["penalty"] = _decimal(node.child_text("penalty"), "Điểm trừ", q.options["penalty"])
    q.idnumber = node.child_text("idnumber") or None
    tags = node.find("tags")
    q.tags = [t.child_text("text") for t in tags.findall("tag")] if tags is not None else []
    apply_difficulty(q)
    _READERS[qtype](node, q)
    return q


def _has_files(node: Node) -> bool:
    return any(child.tag == "file" or _has_files(child) for child in node.children)


def _answer(node: Node, q: ParsedQuestion, keep_format: bool = True) -> ParsedAnswer:
    fraction = _decimal(node.attrs.get("fraction", "0"), "Điểm của phương án") / 100
    feedback = node.find("feedback")
    return ParsedAnswer(
        node.child_text("text") if node.find("text") is not None else node.text.strip(),
        fraction,
        node.child_text("feedback"),
        None,
        _format(node, q.text_format) if keep_format else "moodle",
        _format(feedback, q.text_format),
    )


def _read_choices(node: Node, q: ParsedQuestion) -> None:
    q.options["shuffle"] = _bool(node, "shuffleanswers", True)
    q.options["answernumbering"] = node.child_text("answernumbering") or "abc"
    q.answers = [_answer(a, q) for a in node.findall("answer")]


def _read_true_false(node: Node, q: ParsedQuestion) -> None:
    by_text: dict[str, ParsedAnswer] = {}
    for index, a in enumerate(node.findall("answer")[:2]):
        answer = _answer(a, q, keep_format=False)
        key = answer.text if answer.text in ("true", "false") else ("true", "false")[index]
        by_text[key] = answer
    if not by_text:
        raise _QuestionError("câu Đúng/Sai thiếu đáp án.")
    # Moodle: the "true" answer's fraction decides; an old file may only say it through "false".
    correct = by_text["true"].fraction == 1 if "true" in by_text else by_text["false"].fraction != 1
    empty = ParsedAnswer("", Decimal(0), "", None, "moodle", q.text_format)
    q.answers = [
        ParsedAnswer(
            "true",
            Decimal(int(correct)),
            by_text.get("true", empty).feedback,
            None,
            "moodle",
            by_text.get("true", empty).feedback_format,
        ),
        ParsedAnswer(
            "false",
            Decimal(int(not correct)),
            by_text.get("false", empty).feedback,
            None,
            "moodle",
            by_text.get("false", empty).feedback_format,
        ),
    ]


def _read_short_answer(node: Node, q: ParsedQuestion) -> None:
    q.options["case_sensitive"] = _bool(node, "usecase", False)
    q.answers = [_answer(a, q, keep_format=False) for a in node.findall("answer")]


def _read_numerical(node: Node, q: ParsedQuestion) -> None:
    units = node.find("units")
    if units is not None and any(u.child_text("unit_name") for u in units.findall("unit")):
        raise _QuestionError("câu hỏi số có đơn vị đo chưa được hỗ trợ.")
    for a in node.findall("answer"):
        answer = _answer(a, q, keep_format=False)
        if answer.text != "*":
            _decimal(answer.text, "Đáp án")
        answer.tolerance = _decimal(a.child_text("tolerance"), "Sai số", Decimal(0)).copy_abs()
        q.answers.append(answer)


def _read_matching(node: Node, q: ParsedQuestion) -> None:
    q.options["shuffle"] = _bool(node, "shuffleanswers", True)
    for sub in node.findall("subquestion"):
        q.pairs.append(
            ParsedPair(sub.child_text("text"), sub.child_text("answer"), _format(sub, q.text_format))
        )


def _read_essay(node: Node, q: ParsedQuestion) -> None:
    q.options.update(
        responseformat=node.child_text("responseformat") or "editor",
        responserequired=_bool(node, "responserequired", True),
        responsefieldlines=_int(node, "responsefieldlines", 15),
        attachments=_int(node, "attachments", 0),
        attachmentsrequired=_int(node, "attachmentsrequired", 0),
        graderinfo=node.child_text("graderinfo"),
        responsetemplate=node.child_text("responsetemplate"),
    )


_READERS = {
    "single_choice": _read_choices,
    "multiple_response": _read_choices,
    "true_false": _read_true_false,
    "short_answer": _read_short_answer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "essay": _read_essay,
    "description": lambda node, q: None,
}
