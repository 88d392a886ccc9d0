"""The format-neutral result of parsing a question file (GIFT, Moodle XML, XLSX).

Parsers produce `ParsedQuestion`s; `elearn.quizzes.qtypes.data_from_parsed` turns one into the stored
data of a question version. Fractions are `Decimal`s in 0..1 (Moodle's `%50%` is `Decimal("0.5")`).
Text formats are the names Moodle's GIFT format uses: "moodle", "html", "plain", "markdown".
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

QUESTION_TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "essay",
    "description",
)
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

# tag -> options["difficulty"]; the tag itself is kept.
DIFFICULTY_TAGS = {"de": 1, "dễ": 1, "trung-binh": 2, "trung bình": 2, "trung-bình": 2, "kho": 3, "khó": 3}
DIFFICULTY_LABELS = {1: "Dễ", 2: "Trung bình", 3: "Khó"}

# Moodle's question_bank::fraction_options_full(): the only weights its importers accept
# ("Error if grade not listed"). Compared with Moodle's own fuzz of 0.00001.
GRADE_OPTIONS = tuple(
    Decimal(v)
    for v in (
        "1",
        "0.9",
        "0.8333333",
        "0.8",
        "0.75",
        "0.7",
        "0.6666667",
        "0.6",
        "0.5",
        "0.4",
        "0.3333333",
        "0.3",
        "0.25",
        "0.2",
        "0.1666667",
        "0.1428571",
        "0.125",
        "0.1111111",
        "0.1",
        "0.05",
        "0",
    )
)
_GRADE_FUZZ = Decimal("0.00001")


@dataclass
class ParsedAnswer:
    text: str
    fraction: Decimal
    feedback: str = ""
    tolerance: Decimal | None = None  # numerical only
    text_format: str = "moodle"
    feedback_format: str = "moodle"


@dataclass
class ParsedPair:
    question: str  # "" = an extra (distractor) answer
    answer: str
    question_format: str = "moodle"


@dataclass
class ParsedQuestion:
    type: str
    name: str
    text: str
    text_format: str = "moodle"
    general_feedback: str = ""
    tags: list[str] = field(default_factory=list)
    category: str = ""
    answers: list[ParsedAnswer] = field(default_factory=list)
    pairs: list[ParsedPair] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    idnumber: str | None = None
    line: int = field(default=0, compare=False)  # where it came from; not part of its identity
    general_feedback_format: str = "moodle"


@dataclass
class ParsedCategory:
    path: str
    info: str = ""
    info_format: str = "moodle"
    idnumber: str | None = None


def default_options(qtype: str) -> dict[str, Any]:
    """What Moodle's importers set when a file says nothing (GIFT sets nothing else)."""
    opts: dict[str, Any] = {"default_mark": Decimal("1"), "penalty": Decimal("0.3333333")}
    if qtype in ("single_choice", "multiple_response"):
        opts.update(single=qtype == "single_choice", shuffle=True, answernumbering="abc")
    elif qtype == "matching":
        opts["shuffle"] = True
    elif qtype == "short_answer":
        opts["case_sensitive"] = False
    elif qtype == "true_false":
        opts["penalty"] = Decimal("1")
    elif qtype == "essay":
        opts.update(
            responseformat="editor",
            responserequired=True,
            responsefieldlines=15,
            attachments=0,
            attachmentsrequired=0,
            graderinfo="",
            responsetemplate="",
        )
    elif qtype == "description":
        opts.update(default_mark=Decimal("0"), penalty=Decimal("0"))
    return opts


def apply_difficulty(q: ParsedQuestion) -> ParsedQuestion:
    """A difficulty tag sets options["difficulty"] (1 easy, 2 medium, 3 hard); the last one wins."""
    for tag in q.tags:
        level = DIFFICULTY_TAGS.get(unicodedata.normalize("NFC", tag).strip().lower())
        if level:
            q.options["difficulty"] = level
    return q


def match_grade(fraction: Decimal) -> Decimal | None:
    """Moodle's match_grade_options(..., 'error'): the listed grade within 0.00001, else None."""
    for option in GRADE_OPTIONS:
        for value in (option, -option):
            if abs(fraction - value) < _GRADE_FUZZ:
                return value
    return None


def percent(fraction: Decimal) -> str:
    """0.5 -> "50", -0.3333333 -> "-33.33333" (no exponent, no trailing zeros)."""
    return decimal_str(fraction * 100)


def decimal_str(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


_TAG_RE = re.compile(r"<[^>]*>")


def clean_name(name: str) -> str:
    """Like Moodle's clean_question_name (PARAM_TEXT): no tags, trimmed, at most 255 characters."""
    name = html.unescape(_TAG_RE.sub("", name)).strip()
    return name[:255].rstrip()


def default_name(text: str) -> str:
    """Moodle names an unnamed question after the first 80 characters of its text."""
    plain = " ".join(clean_name(text).split())
    if len(plain) <= 80:
        return plain or "Câu hỏi"
    cut = plain[:80]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut + "..."


def split_category(path: str) -> str:
    """`$course$/top/A/B` or `A / B` -> "A/B": context prefix and Moodle's "top" dropped."""
    parts = [p.strip() for p in path.strip().split("/")]
    parts = [p for p in parts if p]
    if parts and re.fullmatch(r"\$[a-z0-9]+\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: for comparing labels people type."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().casefold()


def _num(value: Decimal) -> float:
    return float(value)


def to_json(q: ParsedQuestion) -> dict[str, Any]:
    """A JSON-able view for previews and tests: fractions as decimal numbers (0.5, not 50)."""
    out: dict[str, Any] = {
        "type": q.type,
        "name": q.name,
        "text": q.text,
        "text_format": q.text_format,
        "general_feedback": q.general_feedback,
        "tags": list(q.tags),
        "category": q.category,
        "idnumber": q.idnumber,
        "line": q.line,
        "options": {k: (_num(v) if isinstance(v, Decimal) else v) for k, v in q.options.items()},
        "answers": [],
        "pairs": [],
    }
    for a in q.answers:
        item: dict[str, Any] = {"text": a.text, "fraction": _num(a.fraction), "feedback": a.feedback}
        if q.type == "numerical":
            item["tolerance"] = _num(a.tolerance) if a.tolerance is not None else 0.0
        out["answers"].append(item)
    if q.type == "matching":
        out["pairs"] = [{"question": p.question, "answer": p.answer} for p in q.pairs]
    return out
