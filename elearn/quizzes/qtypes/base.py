"""What every question type shares: the stored data's common part and response-shape checks."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any, ClassVar

from elearn.errors import ValidationError
from elearn.quizzes.formats.model import ParsedQuestion, decimal_str

ZERO, ONE = Decimal(0), Decimal(1)
MAX_TEXT_RESPONSE = 100_000
_TAGS = re.compile(r"<[^>]*>")


def clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), ONE)


def fraction_str(value: Decimal) -> str:
    return decimal_str(value)


def plain(text: str, fmt: str = "plain") -> str:
    """Answer text for a one-line summary: tags dropped from HTML-capable formats."""
    if fmt in ("html", "moodle", "markdown"):
        text = html.unescape(_TAGS.sub("", text))
    return " ".join(text.split())


def vi_number(value: Decimal) -> str:
    """3.1415 -> "3,1415" (Vietnamese decimal comma)."""
    return decimal_str(value).replace(".", ",")


class QuestionType:
    """One question version's behaviour. `data` is the JSON-able dict `data_from_parsed` made."""

    code: ClassVar[str]
    graded: ClassVar[bool] = True

    def __init__(self, data: dict[str, Any]):
        self.data = data

    # -- building stored data ---------------------------------------------------------------
    @classmethod
    def data_from_parsed(cls, q: ParsedQuestion) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": q.text,
            "text_format": q.text_format,
            "general_feedback": q.general_feedback,
            "general_feedback_format": q.general_feedback_format,
            "default_mark": fraction_str(q.options.get("default_mark", ONE)),
        }
        data.update(cls.specific_data(q))
        return data

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        return {}

    # -- attempt-time behaviour -------------------------------------------------------------
    def validate_response(self, response: Any) -> None:
        raise NotImplementedError

    def grade(self, response: Any) -> Decimal | None:
        """The fraction in [0, 1] earned; None when a person grades it (or nothing is graded)."""
        raise NotImplementedError

    def public_view(self) -> dict[str, Any]:
        """What the browser may see during an attempt: no right answers, fractions or feedback."""
        return {"type": self.code, "text": self.data["text"], "text_format": self.data["text_format"]}

    def right_answer_summary(self) -> str:
        raise NotImplementedError


def tampered(detail: str = "") -> ValidationError:
    message = "Câu trả lời không hợp lệ"
    return ValidationError(f"{message}: {detail}." if detail else f"{message}.")


def check_text(response: Any, max_length: int) -> None:
    if response is None:
        return
    if not isinstance(response, str):
        raise tampered("phải là văn bản")
    if len(response) > max_length:
        raise tampered(f"dài quá {max_length} ký tự")
