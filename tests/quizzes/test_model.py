"""The parsed model's JSON view and difficulty tags."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from elearn.quizzes.formats.gift import parse_gift
from elearn.quizzes.formats.model import match_grade, split_category, to_json


def test_to_json_shapes():
    questions = parse_gift(
        "\n\n".join(
            [
                "// [tag:kho] [id:Q-1]\n$CATEGORY: $course$/top/Điều lệ/Chương 2",
                "::tf::Đúng hay sai?{FALSE#sai#đúng####chung}",
                "::num::Số?{#3:2 =%50%10}",
                "::m::Ghép{=a -> 1 =b -> 2 = -> 3}",
                "// [tag:de] [tag:trung-binh]\n::mr::Chọn{~%50%x ~%50%y ~%-100%z}",
            ]
        )
    )
    tf, num, match, multi = (to_json(q) for q in questions)
    assert json.loads(json.dumps(tf)) == tf
    assert tf["type"] == "true_false" and tf["category"] == "Điều lệ/Chương 2"
    assert tf["answers"] == [
        {"text": "true", "fraction": 0.0, "feedback": "sai"},
        {"text": "false", "fraction": 1.0, "feedback": "đúng"},
    ]
    assert tf["general_feedback"] == "chung"
    assert num["answers"] == [
        {"text": "3", "fraction": 1.0, "feedback": "", "tolerance": 2.0},
        {"text": "10", "fraction": 0.5, "feedback": "", "tolerance": 0.0},
    ]
    assert match["pairs"] == [
        {"question": "a", "answer": "1"},
        {"question": "b", "answer": "2"},
        {"question": "", "answer": "3"},
    ]
    assert [a["fraction"] for a in multi["answers"]] == [0.5, 0.5, -1.0]
    assert multi["tags"] == ["de", "trung-binh"] and multi["options"]["difficulty"] == 2
    assert "difficulty" not in tf["options"]  # tags of the $CATEGORY block do not leak


@pytest.mark.parametrize(("tag", "level"), [("de", 1), ("Dễ", 1), ("trung-binh", 2), ("kho", 3), ("khó", 3)])
def test_difficulty_tags(tag, level):
    [q] = parse_gift(f"// [tag:{tag}]\nQ{{T}}")
    assert q.options["difficulty"] == level and q.tags == [tag]


def test_match_grade_snaps_to_moodle_grades():
    assert match_grade(Decimal("0.33333")) == Decimal("0.3333333")
    assert match_grade(Decimal("-0.5")) == Decimal("-0.5")
    assert match_grade(Decimal("0.33")) is None
    assert match_grade(Decimal("1.5")) is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [("$course$/top/A/B", "A/B"), ("$course$/Default for X", "Default for X"), (" A / B ", "A/B"), ("", "")],
)
def test_split_category(path, expected):
    assert split_category(path) == expected
