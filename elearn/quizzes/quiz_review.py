"""What the learner's browser receives: during an attempt only `public_view()` (no answers, fractions or
feedback); after submission what the quiz's review options allow. Trainers see everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from elearn.html import render_text
from elearn.quizzes.grading import qtype_of
from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt
from elearn.quizzes.quiz_services import review_options

NOTHING = {"score": False, "right_answer": False, "feedback": False}
EVERYTHING = {"score": True, "right_answer": True, "feedback": True}
PAGE_SIZE = 5


def review_flags(quiz: Quiz, attempt: QuizAttempt, now: datetime, *, trainer: bool = False) -> dict:
    if trainer:
        return dict(EVERYTHING)
    opts = review_options(quiz)
    if attempt.state == "in_progress":
        return {"score": False, "right_answer": False, "feedback": opts["during"]["feedback"]}
    closed = quiz.close_at is not None and now >= quiz.close_at
    return dict(opts["closed"] if closed else opts["after"])


@dataclass
class ShownQuestion:
    position: int
    number: int  # 1-based number shown to the learner (descriptions are not numbered)
    kind: str  # single, multi, truefalse, text, number, essay, matching, description
    text_html: str
    choices: list[dict] = field(default_factory=list)  # {id, html}
    stems: list[dict] = field(default_factory=list)  # matching: {id, html}
    response: Any = None
    saved: bool = False
    max_mark: Decimal = Decimal(0)
    # Review only:
    fraction: Decimal | None = None
    mark: Decimal | None = None
    right_answer: str | None = None
    feedback: list[str] = field(default_factory=list)  # sanitised HTML
    comment: str | None = None
    lines: int = 8


KINDS = {
    "single_choice": "single",
    "multiple_response": "multi",
    "true_false": "truefalse",
    "short_answer": "text",
    "numerical": "number",
    "essay": "essay",
    "matching": "matching",
    "description": "description",
}


def _ordered(items: list[dict], order: list[str] | None) -> list[dict]:
    if not order:
        return items
    by_id = {i["id"]: i for i in items}
    return [by_id[i] for i in order if i in by_id] + [i for i in items if i["id"] not in set(order)]


def shown_question(aq: AttemptQuestion, number: int, flags: dict) -> ShownQuestion:
    version = aq.version
    view = qtype_of(version).public_view()
    kind = KINDS[version.qtype]
    shown = ShownQuestion(
        position=aq.position,
        number=number,
        kind=kind,
        text_html=render_text(view["text"], view.get("text_format", "html")),
        response=aq.response,
        saved=aq.response_saved_at is not None and aq.response not in (None, "", [], {}),  # an answer kept
        max_mark=aq.max_mark,
    )
    if kind in ("single", "multi"):
        shown.choices = [
            {"id": c["id"], "html": render_text(c["text"], c.get("text_format", "html"))}
            for c in _ordered(view["choices"], aq.choice_order)
        ]
    elif kind == "truefalse":
        shown.choices = [{"id": c["id"], "html": c["text"]} for c in view["choices"]]
    elif kind == "matching":
        shown.stems = [
            {"id": s["id"], "html": render_text(s["text"], s.get("text_format", "html"))}
            for s in _ordered(view["stems"], aq.choice_order)
        ]
        shown.choices = [{"id": c["id"], "html": c["text"]} for c in view["choices"]]
    elif kind == "essay":
        shown.lines = max(3, min(int(view.get("response_field_lines", 8)), 20))
    if flags["score"] and kind != "description":
        shown.fraction = aq.fraction
        shown.mark = None if aq.fraction is None else (aq.fraction * aq.max_mark).quantize(Decimal("0.01"))
    if flags["right_answer"] and kind != "description":
        shown.right_answer = qtype_of(version).right_answer_summary()
    if flags["feedback"]:
        shown.feedback = feedback_html(version.qtype, version.data, aq.response)
        shown.comment = aq.comment
    return shown


def feedback_html(qtype: str, data: dict, response: Any) -> list[str]:
    """The feedback of the chosen answer(s), then the general feedback."""
    out: list[str] = []
    if qtype in ("single_choice", "multiple_response") and response:
        chosen = {response} if isinstance(response, str) else set(response)
        for c in data["choices"]:
            if c["id"] in chosen and c.get("feedback"):
                out.append(render_text(c["feedback"], c.get("feedback_format", "html")))
    elif qtype == "true_false" and response is not None:
        key = "feedback_true" if response in (True, "true") else "feedback_false"
        if data.get(key):
            out.append(render_text(data[key], "html"))
    elif qtype in ("short_answer", "numerical") and response not in (None, ""):
        answer = qtype_of_data(qtype, data).matching_answer(response)
        if answer and answer.get("feedback"):
            out.append(render_text(answer["feedback"], "html"))
    if data.get("general_feedback"):
        out.append(render_text(data["general_feedback"], data.get("general_feedback_format", "html")))
    return out


def qtype_of_data(qtype: str, data: dict):
    from elearn.quizzes.qtypes import question_type

    return question_type(qtype, data)


def shown_questions(attempt: QuizAttempt, flags: dict) -> list[ShownQuestion]:
    out, number = [], 0
    for aq in attempt.questions:
        if aq.version.qtype != "description":
            number += 1
        out.append(shown_question(aq, number, flags))
    return out


def band_text(quiz: Quiz, percent: Decimal | None) -> str | None:
    if percent is None:
        return None
    for band in sorted(quiz.feedback_bands or [], key=lambda b: -Decimal(str(b["min"]))):
        if percent >= Decimal(str(band["min"])):
            return band.get("text")
    return None


def pages(questions: list[ShownQuestion]) -> int:
    return max(1, (len(questions) + PAGE_SIZE - 1) // PAGE_SIZE)


def page_slice(questions: list[ShownQuestion], page: int) -> list[ShownQuestion]:
    return questions[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


def response_from_form(kind: str, form, position: int, stems: list[dict]) -> Any:
    """A response from the page-by-page form (no JavaScript), in the same shape quiz.js posts."""
    name = f"q{position}"
    if kind == "multi":
        return form.getlist(name)
    if kind == "matching":
        return {s["id"]: form.get(f"{name}_{s['id']}") or None for s in stems}
    if kind == "description":
        return None
    value = form.get(name)
    if kind in ("single", "truefalse"):
        return value or None
    return value if value not in (None, "") else None
