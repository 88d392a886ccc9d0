"""What the trainer's preview of a question version shows: texts rendered through elearn.html, the right
answers, and every choice with its weight and feedback. Never used on a learner's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from elearn.html import render_text
from elearn.quizzes.bank_convert import parsed_from_version
from elearn.quizzes.formats.model import percent
from elearn.quizzes.models import QuestionVersion
from elearn.quizzes.qtypes import question_type
from elearn.quizzes.qtypes.base import vi_number


@dataclass
class PreviewRow:
    text: Markup
    weight: str
    feedback: Markup
    right: bool
    detail: str = ""


@dataclass
class Preview:
    text: Markup
    general_feedback: Markup
    summary: str
    rows: list[PreviewRow] = field(default_factory=list)
    pairs: list[tuple[Markup, str]] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _html(text: str, fmt: str) -> Markup:
    return Markup(render_text(text, fmt))  # noqa: S704  (elearn.html sanitised it)


def _weight(fraction: Decimal) -> str:
    return percent(fraction).replace(".", ",") + "%"


def preview(version: QuestionVersion) -> Preview:
    q = parsed_from_version(version)
    kind = question_type(version.qtype, version.data)
    view = Preview(
        _html(q.text, q.text_format),
        _html(q.general_feedback, q.general_feedback_format),
        kind.right_answer_summary(),
    )
    if q.type == "true_false":
        for answer, label in zip(q.answers, ("Đúng", "Sai"), strict=True):
            view.rows.append(
                PreviewRow(
                    Markup.escape(label),
                    _weight(answer.fraction),
                    _html(answer.feedback, q.text_format),
                    answer.fraction == 1,
                )
            )
    elif q.type == "matching":
        used = {p.answer for p in q.pairs if p.question.strip()}
        view.pairs = [(_html(p.question, p.question_format), p.answer) for p in q.pairs if p.question.strip()]
        view.distractors = sorted({p.answer for p in q.pairs if not p.question.strip()} - used)
    elif q.type == "essay":
        if q.options.get("graderinfo"):
            view.notes.append("Hướng dẫn chấm: " + q.options["graderinfo"])
    else:
        best = max((a.fraction for a in q.answers), default=Decimal(0))
        for a in q.answers:
            if q.type in ("single_choice", "multiple_response"):
                text = _html(a.text, a.text_format)
            else:
                text = Markup.escape(a.text if a.text != "*" else "(mọi câu trả lời khác)")
            detail = ""
            if q.type == "numerical" and a.tolerance:
                detail = "sai số ± " + vi_number(a.tolerance)
            right = a.fraction > 0 if q.type == "multiple_response" else a.fraction == best
            view.rows.append(
                PreviewRow(text, _weight(a.fraction), _html(a.feedback, a.feedback_format), right, detail)
            )
        if q.type == "short_answer":
            sensitive = q.options.get("case_sensitive")
            view.notes.append(
                "Phân biệt chữ hoa, chữ thường." if sensitive else "Không phân biệt chữ hoa, chữ thường."
            )
    return view
