"""The project's own question banks (question_banks/*.gift) parse cleanly and are fit to teach from."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from elearn.quizzes.formats.gift import parse_gift_upload
from elearn.quizzes.qtypes import data_from_parsed

BANKS = sorted((Path(__file__).resolve().parents[2] / "question_banks").glob("*.gift"))


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_bank_parses_and_every_question_teaches(path):
    raw = path.read_bytes()
    assert unicodedata.is_normalized("NFC", raw.decode("utf-8"))
    questions = parse_gift_upload(raw)
    assert len(questions) >= 12
    for q in questions:
        data_from_parsed(q)
        assert q.category, q.name
        assert q.options.get("difficulty") in (1, 2, 3), q.name
        has_feedback = q.general_feedback.strip() or any(a.feedback.strip() for a in q.answers)
        assert has_feedback, f"{q.name} has no feedback"


def test_banks_cover_the_courses_with_enough_questions():
    counts = Counter()
    for path in BANKS:
        counts.update(q.type for q in parse_gift_upload(path.read_bytes()))
    assert sum(counts.values()) >= 150
    assert {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numerical",
        "matching",
        "essay",
    } <= set(counts)
    assert len(BANKS) == 12
