"""Grading, tamper checks and what reaches the browser, per question type."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal

import pytest

from elearn.errors import ValidationError
from elearn.quizzes.formats.gift import parse_gift
from elearn.quizzes.qtypes import QUESTION_TYPES, data_from_parsed, question_type

D = Decimal


def make(gift: str):
    [q] = parse_gift(gift)
    code, data = data_from_parsed(q)
    assert json.loads(json.dumps(data)) == data  # stored as JSON
    return question_type(code, data)


def test_registry_has_exactly_the_supported_types():
    assert set(QUESTION_TYPES) == {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numerical",
        "matching",
        "essay",
        "description",
    }
    assert all(cls.code == code for code, cls in QUESTION_TYPES.items())


def test_single_choice_data_and_grading():
    qt = make("Grant is {~buried#No =entombed#Yes ~%50%inurned#Nearly} in Grant's tomb.")
    assert [(c["id"], c["text"], c["fraction"]) for c in qt.data["choices"]] == [
        ("a1", "buried", "0"),
        ("a2", "entombed", "1"),
        ("a3", "inurned", "0.5"),
    ]
    assert qt.grade("a2") == 1
    assert qt.grade("a3") == D("0.5")
    assert qt.grade("a1") == 0
    assert qt.grade(None) == 0
    assert qt.right_answer_summary() == "Đáp án đúng: entombed"


@pytest.mark.parametrize("response", ["a9", "entombed", ["a2"], 2, {"a2": True}])
def test_single_choice_rejects_tampered_responses(response):
    qt = make("Grant is {~buried =entombed} in Grant's tomb.")
    with pytest.raises(ValidationError) as caught:
        qt.grade(response)
    assert caught.value.message.startswith("Câu trả lời không hợp lệ")


COLOURS = "::colours:: Màu nào? {~%50%yellow ~%-100%red ~%50%off-beige ~%-100%blue}"
TRICKY = "::colours:: Màu nào? {~%100%yellow ~%-50%red ~%-50%blue}"


@pytest.mark.parametrize(
    ("gift", "selected", "expected"),
    [
        (COLOURS, ["a1", "a3"], D(1)),
        (COLOURS, ["a1"], D("0.5")),
        (COLOURS, ["a3", "a1"], D(1)),
        (COLOURS, ["a1", "a2"], D(0)),  # 0.5 - 1 clamps to 0
        (COLOURS, ["a1", "a2", "a3", "a4"], D(0)),  # selecting everything earns nothing
        (COLOURS, [], D(0)),
        (COLOURS, None, D(0)),
        (TRICKY, ["a1"], D(1)),
        (TRICKY, ["a1", "a2"], D("0.5")),
        (TRICKY, ["a1", "a2", "a3"], D(0)),
        (TRICKY, ["a2"], D(0)),
    ],
)
def test_multiple_response_sums_fractions_and_clamps_like_moodle(gift, selected, expected):
    assert make(gift).grade(selected) == expected


@pytest.mark.parametrize("response", [["a1", "a1"], ["a5"], "a1", [1], ["a1", None]])
def test_multiple_response_rejects_tampering(response):
    # ["a1", "a1"] would otherwise count a 50% choice twice.
    with pytest.raises(ValidationError):
        make(COLOURS).grade(response)


def test_multiple_response_summary_lists_positive_choices():
    assert make(COLOURS).right_answer_summary() == "Các đáp án đúng: yellow; off-beige"


def test_true_false():
    qt = make("Công đoàn cơ sở có tư cách pháp nhân.{TRUE#Sai rồi#Đúng}")
    assert qt.data == {**qt.data, "correct": True, "feedback_true": "Đúng", "feedback_false": "Sai rồi"}
    assert qt.grade(True) == 1 and qt.grade("true") == 1
    assert qt.grade(False) == 0 and qt.grade("false") == 0 and qt.grade(None) == 0
    assert make("x{F}").grade("false") == 1
    assert qt.right_answer_summary() == "Đáp án đúng: Đúng"
    assert make("x{F}").right_answer_summary() == "Đáp án đúng: Sai"
    for bad in ("yes", 1, ["true"]):
        with pytest.raises(ValidationError):
            qt.grade(bad)


SHORT = "::Shortanswer::Which is the best animal?{=%0%*#Completely wrong =Frog#Good! =%50%Cat#Cats}"


@pytest.mark.parametrize(
    ("response", "expected"),
    [("Frog", 1), ("  frog ", 1), ("FROG", 1), ("Cat", D("0.5")), ("Dog", 0), ("", 0), (None, 0)],
)
def test_short_answer_takes_the_highest_matching_weight(response, expected):
    # "*" comes first and matches everything; the best weight still wins.
    assert make(SHORT).grade(response) == expected


def test_short_answer_wildcards_case_and_unicode():
    qt = make("Tên tổ chức?{=Công đoàn * Việt Nam =%50%C\\\\*D}")
    assert qt.grade("công đoàn ngành Giáo dục Việt Nam") == 1
    assert qt.grade(unicodedata.normalize("NFD", "Công đoàn Giáo dục Việt Nam")) == 1
    assert qt.grade("Công đoàn Việt") == 0
    assert qt.grade("C*D") == D("0.5")
    assert qt.grade("CxD") == 0
    sensitive = make("Viết tắt?{=LĐLĐ}")
    sensitive.data["case_sensitive"] = True
    assert sensitive.grade("LĐLĐ") == 1 and sensitive.grade("lđlđ") == 0
    assert make("Tên?{=a.b}").grade("axb") == 0  # regex characters are literal
    with pytest.raises(ValidationError):
        qt.grade("x" * 1001)
    with pytest.raises(ValidationError):
        qt.grade(["Frog"])
    assert make(SHORT).right_answer_summary() == "Đáp án đúng: Frog"


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("3", 1),
        ("1", 1),
        ("5", 1),
        ("5.0", 1),
        ("0.9999", 0),
        ("5.0001", 0),
        ("-3", 0),
        ("2,5", 1),
        ("4.99999999", 1),
        ("abc", 0),
        ("", 0),
        (None, 0),
        ("1,000.5", 0),
        (3, 1),
        ("3e0", 1),
        ("\u22123", 0),
    ],
)
def test_numerical_nominal_tolerance_is_inclusive(response, expected):
    assert make("::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}").grade(response) == expected


def test_numerical_ranges_several_answers_and_star():
    pi = make("Pi? {#3.141..3.142}")
    assert pi.data["answers"] == [
        {"id": "a1", "value": "3.1415", "tolerance": "0.0005", "fraction": "1", "feedback": ""}
    ]
    assert [pi.grade(x) for x in ("3.141", "3,142", "3.1425", "3.1409")] == [1, 1, 0, 0]
    grant = make("Grant born? {#=%50%1822:2 =1822:0 =%0%*#Sai}")
    assert [grant.grade(x) for x in ("1822", "1823", "1824", "1825", "1,822e3")] == [
        1,
        D("0.5"),
        D("0.5"),
        0,
        1,
    ]
    assert grant.right_answer_summary() == "Đáp án đúng: 1822"
    assert pi.right_answer_summary() == "Đáp án đúng: 3,1415 ± 0,0005"
    with pytest.raises(ValidationError):
        pi.grade(["3.1415"])
    with pytest.raises(ValidationError):
        pi.grade(3.1415)


MATCH = "Ghép {=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo =Xứ Wales -> Tokyo = -> Hà Nội}"


def test_matching_ids_partial_credit_and_distractors():
    qt = make(MATCH)
    assert [(s["id"], s["text"], s["choice_id"]) for s in qt.data["stems"]] == [
        ("s1", "Canada", "c1"),
        ("s2", "Italy", "c2"),
        ("s3", "Japan", "c3"),
        ("s4", "Xứ Wales", "c3"),
    ]
    assert qt.data["choices"] == [
        {"id": "c1", "text": "Ottawa"},
        {"id": "c2", "text": "Rome"},
        {"id": "c3", "text": "Tokyo"},
        {"id": "c4", "text": "Hà Nội"},
    ]
    right = {"s1": "c1", "s2": "c2", "s3": "c3", "s4": "c3"}
    assert qt.grade(right) == 1
    assert qt.grade({**right, "s2": "c4"}) == D("0.75")
    assert qt.grade({"s1": "c1"}) == D("0.25")
    assert qt.grade({"s1": "c1", "s2": None, "s3": ""}) == D("0.25")
    assert qt.grade({}) == 0 and qt.grade(None) == 0
    assert make("Ghép {=a -> 1 =b -> 2 =c -> 3}").grade({"s1": "c1", "s2": "c2"}) == D(2) / D(3)
    assert (
        qt.right_answer_summary()
        == "Đáp án đúng: Canada → Ottawa; Italy → Rome; Japan → Tokyo; Xứ Wales → Tokyo"
    )


@pytest.mark.parametrize("response", [{"s9": "c1"}, {"s1": "c9"}, {"s1": ["c1"]}, ["c1"], "c1"])
def test_matching_rejects_tampering(response):
    with pytest.raises(ValidationError):
        make(MATCH).grade(response)


def test_essay_and_description_are_not_auto_graded():
    essay = make("::Tự luận::Trình bày vai trò của công đoàn.{}")
    assert (
        essay.graded is False and essay.grade("Công đoàn đại diện...") is None and essay.grade(None) is None
    )
    assert essay.data["response_format"] == "editor" and essay.data["response_field_lines"] == 15
    with pytest.raises(ValidationError):
        essay.grade({"text": "x"})
    assert essay.right_answer_summary() == "Câu tự luận: giảng viên chấm tay."
    description = make("Phần II: tình huống.")
    assert description.grade(None) is None
    with pytest.raises(ValidationError):
        description.validate_response("a1")


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


SECRET_KEYS = {
    "fraction",
    "feedback",
    "feedback_true",
    "feedback_false",
    "correct",
    "choice_id",
    "answers",
    "general_feedback",
    "grader_info",
    "value",
    "tolerance",
    "case_sensitive",
}


@pytest.mark.parametrize(
    "gift",
    ["Q {=right#fb ~wrong#fb2}", COLOURS, "Q{T#a#b####gf}", SHORT, "Q {#3:2}", MATCH, "Q {####gf}", "Mô tả"],
)
def test_public_view_hides_answers(gift):
    qt = make(gift)
    view = qt.public_view()
    assert view["type"] == qt.code and view["text"] == qt.data["text"]
    assert not _keys(view) & SECRET_KEYS
    dumped = json.dumps(view, ensure_ascii=False)
    assert "fb" not in dumped and "gf" not in dumped


def test_public_view_of_matching_does_not_follow_the_stem_order():
    view = make("Ghép {=a -> Zeta =b -> Alpha =c -> Mu}").public_view()
    assert [c["text"] for c in view["choices"]] == ["Alpha", "Mu", "Zeta"]
    assert [s["id"] for s in view["stems"]] == ["s1", "s2", "s3"]


def test_public_view_of_choices_keeps_ids_and_texts():
    view = make("Q {=right ~wrong}").public_view()
    assert view["choices"] == [
        {"id": "a1", "text": "right", "text_format": "moodle"},
        {"id": "a2", "text": "wrong", "text_format": "moodle"},
    ]
    assert make(COLOURS).public_view()["multiple"] is True


def test_unknown_type_is_refused():
    with pytest.raises(ValidationError):
        question_type("calculated", {})


def test_numerical_response_of_absurd_magnitude_is_wrong_not_an_overflow():
    q = make("Bao nhiêu? {#3:2 =%0%*#Sai}")
    assert q.grade("1e999999999") == 0 and q.matching_answer("1e999999999")["value"] == "*"
    assert make("Bao nhiêu? {#3:2}").grade("-1e999999999") == 0
