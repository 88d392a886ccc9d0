"""Short answer and numerical: the learner types the answer."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from elearn.quizzes.formats.model import ParsedQuestion
from elearn.quizzes.qtypes.base import ZERO, QuestionType, check_text, clamp, fraction_str, vi_number

MAX_SHORT_RESPONSE = 1000
MAX_NUMBER_RESPONSE = 100
MAX_RESPONSE = Decimal(10) ** 15
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def matches_wildcard(response: str, pattern: str, case_sensitive: bool) -> bool:
    """Moodle's compare_string_with_wildcard(): `*` is any text, `\\*` a literal star; NFC first."""
    pattern = unicodedata.normalize("NFC", pattern)
    response = unicodedata.normalize("NFC", response).strip()
    bits = re.split(r"(?<!\\)\*+", pattern)
    regex = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, response, flags) is not None


def parse_number(text: str) -> Decimal | None:
    """A typed number: "2.5" and "2,5" (Vietnamese decimal comma) are both 2.5; no thousands separators."""
    text = text.strip().replace("\u2212", "-")
    if not _NUMBER.match(text) or ("," in text and "." in text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


class ShortAnswer(QuestionType):
    """Response: text. Grade: the highest fraction among the answers it matches (wildcards allowed)."""

    code = "short_answer"

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        return {
            "case_sensitive": bool(q.options.get("case_sensitive", False)),
            "answers": [
                {"id": f"a{i}", "text": a.text, "fraction": fraction_str(a.fraction), "feedback": a.feedback}
                for i, a in enumerate(q.answers, start=1)
            ],
        }

    def validate_response(self, response: Any) -> None:
        check_text(response, MAX_SHORT_RESPONSE)

    def matching_answer(self, response: str | None) -> dict[str, Any] | None:
        if response is None or not response.strip():
            return None
        found = [
            a
            for a in self.data["answers"]
            if matches_wildcard(response, a["text"], self.data["case_sensitive"])
        ]
        return max(found, key=lambda a: Decimal(a["fraction"]), default=None)

    def grade(self, response: Any) -> Decimal:
        self.validate_response(response)
        answer = self.matching_answer(response)
        return clamp(Decimal(answer["fraction"])) if answer else ZERO

    def right_answer_summary(self) -> str:
        best = max(Decimal(a["fraction"]) for a in self.data["answers"])
        right = [a["text"] for a in self.data["answers"] if Decimal(a["fraction"]) == best]
        return "Đáp án đúng: " + " hoặc ".join(right)


class Numerical(QuestionType):
    """Response: a number as text. Grade: the best fraction among answers with |x - answer| <= tolerance."""

    code = "numerical"

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        return {
            "answers": [
                {
                    "id": f"a{i}",
                    "value": a.text,
                    "tolerance": fraction_str(abs(a.tolerance or ZERO)),
                    "fraction": fraction_str(a.fraction),
                    "feedback": a.feedback,
                }
                for i, a in enumerate(q.answers, start=1)
            ]
        }

    def validate_response(self, response: Any) -> None:
        if isinstance(response, int) and not isinstance(response, bool):
            return
        check_text(response, MAX_NUMBER_RESPONSE)

    def matching_answer(self, response: Any) -> dict[str, Any] | None:
        if response is None:
            return None
        value = Decimal(response) if isinstance(response, int) else parse_number(response)
        if value is None:
            return None
        # Stored answers and tolerances are at most 10^12 (formats.rules), so a larger response matches only
        # "*"; skipping the subtraction keeps 1e999999999 from overflowing the decimal context.
        reachable = value.copy_abs() <= MAX_RESPONSE
        found = [
            a
            for a in self.data["answers"]
            if a["value"] == "*"
            or (reachable and abs(value - Decimal(a["value"])) <= Decimal(a["tolerance"]))
        ]
        return max(found, key=lambda a: Decimal(a["fraction"]), default=None)

    def grade(self, response: Any) -> Decimal:
        self.validate_response(response)
        answer = self.matching_answer(response)
        return clamp(Decimal(answer["fraction"])) if answer else ZERO

    def right_answer_summary(self) -> str:
        real = [a for a in self.data["answers"] if a["value"] != "*"]
        best = max(Decimal(a["fraction"]) for a in real)
        parts = []
        for a in real:
            if Decimal(a["fraction"]) != best:
                continue
            tolerance = Decimal(a["tolerance"])
            value = vi_number(Decimal(a["value"]))
            parts.append(f"{value} ± {vi_number(tolerance)}" if tolerance else value)
        return "Đáp án đúng: " + " hoặc ".join(parts)
