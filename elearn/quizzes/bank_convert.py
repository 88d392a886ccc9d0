"""Stored question versions back to the format-neutral ParsedQuestion (for export and the edit form).

The inverse of `elearn.quizzes.qtypes.data_from_parsed`: `data_from_parsed(parsed_from_version(v)) == v.data`
for every type, which is what makes an exported bank re-import to the same questions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from elearn.quizzes.formats.model import ParsedAnswer, ParsedPair, ParsedQuestion, default_options
from elearn.quizzes.models import QuestionVersion


def parsed_from_data(
    qtype: str,
    name: str,
    data: dict[str, Any],
    *,
    category: str = "",
    tags: list[str] | None = None,
    idnumber: str | None = None,
    difficulty: int | None = None,
) -> ParsedQuestion:
    q = ParsedQuestion(
        type=qtype,
        name=name,
        text=data["text"],
        text_format=data.get("text_format", "moodle"),
        general_feedback=data.get("general_feedback", ""),
        general_feedback_format=data.get("general_feedback_format", "moodle"),
        tags=list(tags or []),
        category=category,
        idnumber=idnumber,
    )
    q.options = default_options(qtype)
    q.options["default_mark"] = Decimal(data.get("default_mark", "1"))
    if difficulty:
        q.options["difficulty"] = difficulty
    _SPECIFIC[qtype](q, data)
    return q


def parsed_from_version(
    version: QuestionVersion,
    *,
    category: str = "",
    tags: list[str] | None = None,
    idnumber: str | None = None,
) -> ParsedQuestion:
    return parsed_from_data(
        version.qtype,
        version.name,
        version.data,
        category=category,
        tags=tags,
        idnumber=idnumber,
        difficulty=version.difficulty,
    )


def _choices(q: ParsedQuestion, data: dict[str, Any]) -> None:
    q.options.update(shuffle=data.get("shuffle", True), answernumbering=data.get("answernumbering", "abc"))
    q.answers = [
        ParsedAnswer(
            c["text"],
            Decimal(c["fraction"]),
            c.get("feedback", ""),
            None,
            c.get("text_format", "moodle"),
            c.get("feedback_format", "moodle"),
        )
        for c in data["choices"]
    ]


def _true_false(q: ParsedQuestion, data: dict[str, Any]) -> None:
    correct = bool(data["correct"])
    q.answers = [
        ParsedAnswer("true", Decimal(int(correct)), data.get("feedback_true", "")),
        ParsedAnswer("false", Decimal(int(not correct)), data.get("feedback_false", "")),
    ]


def _short_answer(q: ParsedQuestion, data: dict[str, Any]) -> None:
    q.options["case_sensitive"] = bool(data.get("case_sensitive", False))
    q.answers = [
        ParsedAnswer(a["text"], Decimal(a["fraction"]), a.get("feedback", "")) for a in data["answers"]
    ]


def _numerical(q: ParsedQuestion, data: dict[str, Any]) -> None:
    q.answers = [
        ParsedAnswer(a["value"], Decimal(a["fraction"]), a.get("feedback", ""), Decimal(a["tolerance"]))
        for a in data["answers"]
    ]


def _matching(q: ParsedQuestion, data: dict[str, Any]) -> None:
    """Pairs whose first appearances give back the stored choice order (distractors where they stood)."""
    q.options["shuffle"] = data.get("shuffle", True)
    texts = {c["id"]: c["text"] for c in data["choices"]}
    order = [c["id"] for c in data["choices"]]
    emitted: set[str] = set()
    pairs: list[ParsedPair] = []

    def emit_until(choice_id: str | None) -> None:
        for cid in order:
            if cid == choice_id:
                return
            if cid not in emitted:
                pairs.append(ParsedPair("", texts[cid]))
                emitted.add(cid)

    for stem in data["stems"]:
        if stem["choice_id"] not in emitted:
            emit_until(stem["choice_id"])
        pairs.append(ParsedPair(stem["text"], texts[stem["choice_id"]], stem.get("text_format", "moodle")))
        emitted.add(stem["choice_id"])
    emit_until(None)
    q.pairs = pairs


def _essay(q: ParsedQuestion, data: dict[str, Any]) -> None:
    q.options.update(
        responseformat=data.get("response_format", "editor"),
        responserequired=bool(data.get("response_required", True)),
        responsefieldlines=int(data.get("response_field_lines", 15)),
        attachments=int(data.get("attachments", 0)),
        attachmentsrequired=int(data.get("attachments_required", 0)),
        graderinfo=data.get("grader_info", ""),
        responsetemplate=data.get("response_template", ""),
    )


def _nothing(q: ParsedQuestion, data: dict[str, Any]) -> None:
    return None


_SPECIFIC = {
    "single_choice": _choices,
    "multiple_response": _choices,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
    "description": _nothing,
}
