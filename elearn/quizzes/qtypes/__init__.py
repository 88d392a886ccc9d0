"""The question-type registry: one class per type, each with grade / validate_response / public_view.

A question version stores `(type, data)` from `data_from_parsed`; at attempt time
`question_type(type, data)` gives the object that grades responses. Responses refer to ids
("a1", "s1", "c1", "true"), never to answer texts.
"""

from __future__ import annotations

from typing import Any

from elearn.errors import ValidationError
from elearn.quizzes.formats.model import ParsedQuestion
from elearn.quizzes.qtypes.base import QuestionType
from elearn.quizzes.qtypes.choice import MultipleResponse, SingleChoice, TrueFalse
from elearn.quizzes.qtypes.other import Description, Essay, Matching
from elearn.quizzes.qtypes.typed import Numerical, ShortAnswer, matches_wildcard, parse_number

QUESTION_TYPES: dict[str, type[QuestionType]] = {
    cls.code: cls
    for cls in (
        SingleChoice,
        MultipleResponse,
        TrueFalse,
        ShortAnswer,
        Numerical,
        Matching,
        Essay,
        Description,
    )
}

__all__ = [
    "QUESTION_TYPES",
    "Description",
    "Essay",
    "Matching",
    "MultipleResponse",
    "Numerical",
    "QuestionType",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "data_from_parsed",
    "matches_wildcard",
    "parse_number",
    "question_type",
]


def data_from_parsed(q: ParsedQuestion) -> tuple[str, dict[str, Any]]:
    """The (type, JSON-able data) a question version stores for an imported question."""
    if q.type not in QUESTION_TYPES:
        raise ValidationError(f"Loại câu hỏi «{q.type}» không được hỗ trợ.")
    return q.type, QUESTION_TYPES[q.type].data_from_parsed(q)


def question_type(code: str, data: dict[str, Any]) -> QuestionType:
    if code not in QUESTION_TYPES:
        raise ValidationError(f"Loại câu hỏi «{code}» không được hỗ trợ.")
    return QUESTION_TYPES[code](data)
