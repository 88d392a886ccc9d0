"""Moodle XML export; `parse_moodle_xml` reads it back unchanged and Moodle can import it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from elearn.quizzes.formats.model import ParsedCategory, ParsedQuestion, decimal_str

_XML_FORMATS = {"html": "html", "moodle": "moodle_auto_format", "plain": "plain_text", "markdown": "markdown"}
_XML_TYPES = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
}


def _text(tag: str, text: str, fmt: str | None = None, indent: str = "    ") -> str:
    attr = f" format={quoteattr(_XML_FORMATS[fmt])}" if fmt else ""
    return f"{indent}<{tag}{attr}>\n{indent}  <text>{escape(text)}</text>\n{indent}</{tag}>\n"


def _value(tag: str, value: object, indent: str = "    ") -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, Decimal):
        value = decimal_str(value)
    return f"{indent}<{tag}>{escape(str(value))}</{tag}>\n"


def _answers(q: ParsedQuestion) -> str:
    out = ""
    for a in q.answers:
        fraction = decimal_str(a.fraction * 100)
        out += f'    <answer fraction="{fraction}" format="{_XML_FORMATS[a.text_format]}">\n'
        out += f"      <text>{escape(a.text)}</text>\n"
        out += _text("feedback", a.feedback, a.feedback_format, "      ")
        if q.type == "numerical":
            out += _value("tolerance", a.tolerance if a.tolerance is not None else Decimal(0), "      ")
        out += "    </answer>\n"
    return out


def _body(q: ParsedQuestion) -> str:
    opts = q.options
    out = ""
    if q.type in ("single_choice", "multiple_response"):
        out += _value("single", q.type == "single_choice")
        out += _value("shuffleanswers", opts.get("shuffle", True))
        out += _value("answernumbering", opts.get("answernumbering", "abc"))
        out += _answers(q)
    elif q.type == "short_answer":
        out += _value("usecase", int(bool(opts.get("case_sensitive", False))))
        out += _answers(q)
    elif q.type in ("true_false", "numerical"):
        out += _answers(q)
    elif q.type == "matching":
        out += _value("shuffleanswers", opts.get("shuffle", True))
        for p in q.pairs:
            out += f'    <subquestion format="{_XML_FORMATS[p.question_format]}">\n'
            out += f"      <text>{escape(p.question)}</text>\n"
            out += f"      <answer>\n        <text>{escape(p.answer)}</text>\n      </answer>\n"
            out += "    </subquestion>\n"
    elif q.type == "essay":
        out += _value("responseformat", opts.get("responseformat", "editor"))
        out += _value("responserequired", int(bool(opts.get("responserequired", True))))
        out += _value("responsefieldlines", opts.get("responsefieldlines", 15))
        out += _value("attachments", opts.get("attachments", 0))
        out += _value("attachmentsrequired", opts.get("attachmentsrequired", 0))
        out += _text("graderinfo", opts.get("graderinfo", ""), "html")
        out += _text("responsetemplate", opts.get("responsetemplate", ""), "html")
    return out


def export_question(q: ParsedQuestion) -> str:
    out = f'  <question type="{_XML_TYPES[q.type]}">\n'
    out += _text("name", q.name)
    out += _text("questiontext", q.text, q.text_format)
    out += _text("generalfeedback", q.general_feedback, q.general_feedback_format)
    out += _value("defaultgrade", q.options.get("default_mark", Decimal(1)))
    out += _value("penalty", q.options.get("penalty", Decimal("0.3333333")))
    out += _value("hidden", 0)
    out += _value("idnumber", q.idnumber or "")
    out += _body(q)
    if q.tags:
        out += "    <tags>\n"
        out += "".join(f"      <tag><text>{escape(t)}</text></tag>\n" for t in q.tags)
        out += "    </tags>\n"
    return out + "  </question>\n"


def _category(path: str, info: ParsedCategory | None) -> str:
    full = "$course$/top" + ("/" + path if path else "")
    out = '  <question type="category">\n'
    out += _text("category", full)
    out += _text("info", info.info if info else "", info.info_format if info else "moodle")
    out += _value("idnumber", (info.idnumber if info else None) or "")
    return out + "  </question>\n"


def export_moodle_xml(
    questions: Sequence[ParsedQuestion], categories: Sequence[ParsedCategory] = ()
) -> bytes:
    """UTF-8 Moodle XML; a category element wherever the category changes."""
    infos = {c.path: c for c in categories}
    out = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    current: str | None = None if "" in infos else ""
    for q in questions:
        if q.category != current:
            current = q.category
            out += _category(current, infos.get(current))
        out += export_question(q)
    return (out + "</quiz>\n").encode("utf-8")
