"""Matching, essay (graded by hand) and description (not graded)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from elearn.quizzes.formats.model import ParsedQuestion, fold
from elearn.quizzes.qtypes.base import (
    MAX_TEXT_RESPONSE,
    ZERO,
    QuestionType,
    check_text,
    plain,
    tampered,
)


class Matching(QuestionType):
    """Response: {stem id: choice id}. Grade (Moodle): right pairs / number of stems.

    Choices are the distinct right-hand texts (distractors included), so two stems may share one.
    """

    code = "matching"

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        choice_ids: dict[str, str] = {}
        for p in q.pairs:
            choice_ids.setdefault(p.answer, f"c{len(choice_ids) + 1}")
        stems = [
            {
                "id": f"s{i}",
                "text": p.question,
                "text_format": p.question_format,
                "choice_id": choice_ids[p.answer],
            }
            for i, p in enumerate((p for p in q.pairs if p.question.strip()), start=1)
        ]
        return {
            "shuffle": bool(q.options.get("shuffle", True)),
            "stems": stems,
            "choices": [{"id": cid, "text": text} for text, cid in choice_ids.items()],
        }

    def validate_response(self, response: Any) -> None:
        if response is None:
            return
        if not isinstance(response, dict):
            raise tampered("phải là các cặp ghép")
        stems = {s["id"] for s in self.data["stems"]}
        choices = {c["id"] for c in self.data["choices"]}
        for stem, choice in response.items():
            if stem not in stems:
                raise tampered("vế trái không thuộc câu hỏi này")
            if choice not in (None, "") and (not isinstance(choice, str) or choice not in choices):
                raise tampered("vế phải không thuộc câu hỏi này")

    def grade(self, response: Any) -> Decimal:
        self.validate_response(response)
        stems = self.data["stems"]
        if not response or not stems:
            return ZERO
        right = sum(1 for s in stems if response.get(s["id"]) == s["choice_id"])
        return Decimal(right) / Decimal(len(stems))

    def public_view(self) -> dict[str, Any]:
        # Choices sorted by text: the stored order follows the stems and would give the answer away.
        choices = sorted(self.data["choices"], key=lambda c: (fold(c["text"]), c["text"]))
        return super().public_view() | {
            "shuffle": self.data["shuffle"],
            "stems": [
                {"id": s["id"], "text": s["text"], "text_format": s["text_format"]}
                for s in self.data["stems"]
            ],
            "choices": [{"id": c["id"], "text": c["text"]} for c in choices],
        }

    def right_answer_summary(self) -> str:
        texts = {c["id"]: c["text"] for c in self.data["choices"]}
        pairs = [
            f"{plain(s['text'], s['text_format'])} → {texts[s['choice_id']]}" for s in self.data["stems"]
        ]
        return "Đáp án đúng: " + "; ".join(pairs)


class Essay(QuestionType):
    """Response: text. Not graded automatically: `grade` returns None and a trainer marks it."""

    code = "essay"
    graded = False

    @classmethod
    def specific_data(cls, q: ParsedQuestion) -> dict[str, Any]:
        o = q.options
        return {
            "response_format": o.get("responseformat", "editor"),
            "response_required": bool(o.get("responserequired", True)),
            "response_field_lines": int(o.get("responsefieldlines", 15)),
            "attachments": int(o.get("attachments", 0)),
            "attachments_required": int(o.get("attachmentsrequired", 0)),
            "grader_info": o.get("graderinfo", ""),
            "response_template": o.get("responsetemplate", ""),
        }

    def validate_response(self, response: Any) -> None:
        check_text(response, MAX_TEXT_RESPONSE)

    def grade(self, response: Any) -> None:
        self.validate_response(response)
        return None

    def public_view(self) -> dict[str, Any]:
        d = self.data
        return super().public_view() | {
            "response_format": d["response_format"],
            "response_required": d["response_required"],
            "response_field_lines": d["response_field_lines"],
            "response_template": d["response_template"],
        }

    def right_answer_summary(self) -> str:
        return "Câu tự luận: giảng viên chấm tay."


class Description(QuestionType):
    """Text shown between questions; takes no response and carries no marks."""

    code = "description"
    graded = False

    def validate_response(self, response: Any) -> None:
        if response not in (None, ""):
            raise tampered("phần mô tả không nhận câu trả lời")

    def grade(self, response: Any) -> None:
        self.validate_response(response)
        return None

    def right_answer_summary(self) -> str:
        return "Phần mô tả, không tính điểm."
