"""Moodle GIFT export, following qformat_gift::writequestion(); `parse_gift` reads it back unchanged."""

from __future__ import annotations

from collections.abc import Sequence

from elearn.quizzes.formats.model import ParsedQuestion, decimal_str, percent

_RESERVED = [
    ("\\", "\\\\"),
    ("#", "\\#"),
    ("=", "\\="),
    ("~", "\\~"),
    ("{", "\\{"),
    ("}", "\\}"),
    (":", "\\:"),
    ("\n", "\\n"),
    ("\r", ""),
]


def _escape(text: str) -> str:
    """Moodle's repchar(): control characters escaped, newlines written as \\n."""
    for char, escaped in _RESERVED:
        text = text.replace(char, escaped)
    return text


def _text(text: str, fmt: str, default: str = "moodle") -> str:
    """Moodle's write_questiontext(): a [format] prefix only where it differs from the question's."""
    prefix = f"[{fmt}]" if text != "" and fmt != default else ""
    return prefix + _escape(text)


def _general_feedback(q: ParsedQuestion, indent: str = "\t") -> str:
    written = _text(q.general_feedback, q.general_feedback_format, q.text_format)
    if not written:
        return ""
    return f"{indent}####{written}\n" if indent else f"####{written}"


def _meta(q: ParsedQuestion) -> str:
    bits = []
    if q.idnumber:
        bits.append("[id:" + q.idnumber.replace("]", "\\]") + "]")
    bits.extend("[tag:" + tag.replace("]", "\\]") + "]" for tag in q.tags)
    return "// " + " ".join(bits) + "\n" if bits else ""


def export_question(q: ParsedQuestion, qid: int | str = 0) -> str:
    name = q.name.replace("\n", " ")
    out = f"// question: {qid}  name: {name}\n" + _meta(q)
    out += "::" + _escape(q.name) + "::" + _text(q.text, q.text_format)
    fmt = q.text_format
    if q.type == "description":
        return out + "\n"
    if q.type == "essay":
        return out + "{" + _general_feedback(q, "") + "}\n"
    if q.type == "true_false":
        true, false = q.answers[0], q.answers[1]
        correct, other = (true, false) if true.fraction == 1 else (false, true)
        right = _text(correct.feedback, correct.feedback_format, fmt)
        wrong = _text(other.feedback, other.feedback_format, fmt)
        out += "{" + ("TRUE" if correct is true else "FALSE")
        if wrong:
            out += "#" + wrong
        elif right:
            out += "#"
        if right:
            out += "#" + right
        return out + _general_feedback(q, "") + "}\n"
    out += "{#\n" if q.type == "numerical" else "{\n"
    single = q.type == "single_choice"
    for a in q.answers:
        feedback = _text(a.feedback, a.feedback_format, fmt)
        if q.type in ("single_choice", "multiple_response"):
            if a.fraction == 1 and single:
                mark = "="
            elif a.fraction == 0:
                mark = "~"
            else:
                mark = f"~%{percent(a.fraction)}%"
            out += (
                "\t" + mark + _text(a.text, a.text_format, fmt) + ("#" + feedback if feedback else "") + "\n"
            )
        elif q.type == "short_answer":
            out += f"\t=%{percent(a.fraction)}%{_escape(a.text)}#{feedback}\n"
        elif q.type == "numerical":
            if a.text == "*" and a.fraction == 0:
                out += f"\t~#{feedback}\n"
            elif a.text == "*":
                out += f"\t=%{percent(a.fraction)}%*#{feedback}\n"
            else:
                tolerance = decimal_str(a.tolerance) if a.tolerance is not None else "0"
                out += f"\t=%{percent(a.fraction)}%{a.text}:{tolerance}#{feedback}\n"
    for p in q.pairs:
        out += "\t=" + _text(p.question, p.question_format, fmt) + " -> " + _escape(p.answer) + "\n"
    return out + _general_feedback(q) + "}\n"


def export_gift(questions: Sequence[ParsedQuestion], ids: Sequence[int | str] | None = None) -> str:
    """GIFT text for `questions`, with a $CATEGORY switch wherever the category changes."""
    parts = []
    category = ""
    for index, q in enumerate(questions):
        if q.category != category:
            category = q.category
            path = "$course$/top" + ("/" + category if category else "")
            parts.append(f"// question: 0  name: switch category to {path}\n$CATEGORY: {path}\n\n")
        qid = ids[index] if ids is not None else index + 1
        parts.append(export_question(q, qid) + "\n")
    return "".join(parts)
