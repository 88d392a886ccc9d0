"""Single choice, multiple response and true/false: responses are choice ids, never texts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from elearn.quizzes.formats.model import ParsedQuestion
from elearn.quizzes.qtypes.base import ZERO, QuestionType, clamp, fraction_str, plain, tampered


class SingleChoice(QuestionType):
    """Response: one choice id (str) or None. Grade: that choice's fraction (Moodle allows partial)."""

    code = "single_choice"

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        return {
            "shuffle": bool(q.options.get("shuffle", True)),
            "answernumbering": q.options.get("answernumbering", "abc"),
            "choices": [
                {
                    "id": f"a{i}",
                    "text": a.text,
                    "text_format": a.text_format,
                    "fraction": fraction_str(a.fraction),
                    "feedback": a.feedback,
                    "feedback_format": a.feedback_format,
                }
                for i, a in enumerate(q.answers, start=1)
            ],
        }

    def _fractions(self) -> dict[str, Decimal]:
        return {c["id"]: Decimal(c["fraction"]) for c in self.data["choices"]}

    def validate_response(self, response: Any) -> None:
        if response is None:
            return
        if not isinstance(response, str) or response not in self._fractions():
            raise tampered("phương án không thuộc câu hỏi này")

    def grade(self, response: Any) -> Decimal:
        self.validate_response(response)
        return ZERO if response is None else clamp(self._fractions()[response])

    def public_view(self) -> dict[str, Any]:
        view = super().public_view()
        view.update(
            shuffle=self.data["shuffle"],
            answernumbering=self.data["answernumbering"],
            choices=[
                {"id": c["id"], "text": c["text"], "text_format": c["text_format"]}
                for c in self.data["choices"]
            ],
        )
        return view

    def _right(self) -> list[str]:
        best = max(Decimal(c["fraction"]) for c in self.data["choices"])
        return [
            plain(c["text"], c["text_format"]) for c in self.data["choices"] if Decimal(c["fraction"]) == best
        ]

    def right_answer_summary(self) -> str:
        return "Đáp án đúng: " + " hoặc ".join(self._right())


class MultipleResponse(SingleChoice):
    """Response: a list of distinct choice ids. Grade (Moodle): sum of their fractions, clamped to 0..1."""

    code = "multiple_response"

    def validate_response(self, response: Any) -> None:
        if response is None:
            return
        if not isinstance(response, list | tuple) or not all(isinstance(r, str) for r in response):
            raise tampered("phải là danh sách phương án")
        if len(set(response)) != len(response):
            raise tampered("một phương án được chọn hai lần")
        known = self._fractions()
        if any(r not in known for r in response):
            raise tampered("phương án không thuộc câu hỏi này")

    def grade(self, response: Any) -> Decimal:
        self.validate_response(response)
        fractions = self._fractions()
        return clamp(sum((fractions[r] for r in response or ()), ZERO))

    def public_view(self) -> dict[str, Any]:
        return super().public_view() | {"multiple": True}

    def right_answer_summary(self) -> str:
        right = [
            plain(c["text"], c["text_format"]) for c in self.data["choices"] if Decimal(c["fraction"]) > 0
        ]
        return "Các đáp án đúng: " + "; ".join(right)


_TF_IDS = {"true": True, "false": False}


class TrueFalse(QuestionType):
    """Response: True/False (or "true"/"false" from a form) or None."""

    code = "true_false"

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        by_text = {a.text: a for a in q.answers}
        return {
            "correct": by_text["true"].fraction == 1,
            "feedback_true": by_text["true"].feedback,
            "feedback_false": by_text["false"].feedback,
        }

    @staticmethod
    def _value(response: Any) -> bool | None:
        if response is None or isinstance(response, bool):
            return response
        if isinstance(response, str) and response in _TF_IDS:
            return _TF_IDS[response]
        raise tampered("chỉ được chọn Đúng hoặc Sai")

    def validate_response(self, response: Any) -> None:
        self._value(response)

    def grade(self, response: Any) -> Decimal:
        value = self._value(response)
        return Decimal(int(value is not None and value == self.data["correct"]))

    def public_view(self) -> dict[str, Any]:
        return super().public_view() | {
            "choices": [{"id": "true", "text": "Đúng"}, {"id": "false", "text": "Sai"}]
        }

    def right_answer_summary(self) -> str:
        return "Đáp án đúng: " + ("Đúng" if self.data["correct"] else "Sai")
