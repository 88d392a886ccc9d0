"""Vietnamese alphabetical order: letters, tone marks, and people by given name."""

from __future__ import annotations

import random

from elearn.classes.completion import class_statuses
from elearn.classes.sessions import attendance_sheet
from elearn.seed_data import GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, SURNAMES
from elearn.vietnamese import SORT_KEY_LENGTH, name_key, name_sort_key, sort_key
from tests import factories
from tests.classes import helpers as h


def test_letters_then_tones_in_dictionary_order():
    words = [
        "ủy ban",
        "đại hội",
        "dân chủ",
        "kinh phí",
        "kiểm soát",
        "âm",
        "ăn",
        "an",
        "bạ",
        "bá",
        "bã",
        "bả",
        "bà",
        "ba",
    ]
    assert sorted(words, key=sort_key) == [
        "an",
        "ăn",
        "âm",
        "ba",
        "bà",
        "bả",
        "bã",
        "bá",
        "bạ",
        "dân chủ",
        "đại hội",
        "kiểm soát",  # ê comes before n
        "kinh phí",
        "ủy ban",
    ]


def test_people_by_given_name_then_family_and_middle_names():
    names = ["Nguyễn Văn An", "Bùi Thị Bình", "Trần Thị Ân", "Lê Văn Ánh", "Hồ Thị Anh", "Bùi Văn An"]
    assert sorted(names, key=name_key) == [
        "Bùi Văn An",
        "Nguyễn Văn An",
        "Hồ Thị Anh",
        "Lê Văn Ánh",
        "Trần Thị Ân",
        "Bùi Thị Bình",
    ]


def test_class_lists_follow_given_names(db, world):
    tc = h.training_class(db, world.a, course=h.course(db, (1,)), trainer=world.trainer)
    for name in ("Phan Minh Quân", "Đặng Văn Hùng", "Ngô Thị Hạnh"):
        h.member(db, tc, factories.officer(db, world.a1, name=name))
    session = h.sessions(db, tc, 1)[0]
    expected = ["Ngô Thị Hạnh", "Đặng Văn Hùng", "Phan Minh Quân"]
    assert [s.full_name for s in class_statuses(db, tc)] == expected
    _, rows = attendance_sheet(db, world.trainer, session.id)
    assert [r.full_name for r in rows] == expected


def test_stored_name_key_sorts_as_name_key():
    rng = random.Random(7)
    middle = sorted(set(MIDDLE_M + MIDDLE_F))
    given = GIVEN_M + GIVEN_F + ["An", "Anh", "Ánh", "Ân", "Ăn", "Ư"]  # prefixes of each other; ă, â, ư
    names = [
        " ".join([rng.choice(SURNAMES), *rng.sample(middle, rng.randint(0, 2)), rng.choice(given)])
        for _ in range(3000)
    ]
    names += ["An", "Anh", "Nguyễn An", "Nguyễn Anh", "Lê Văn An", "Lê An"]

    def letters_and_tones(name):
        return [(letters, tones) for letters, tones, _text in name_key(name)]

    by_stored_key = sorted(names, key=name_sort_key)
    assert [letters_and_tones(n) for n in by_stored_key] == sorted(letters_and_tones(n) for n in names)
    assert all(len(name_sort_key(n)) <= SORT_KEY_LENGTH and name_sort_key(n).isalnum() for n in names)
