"""GIFT import against Moodle's own fixtures and the results Moodle's tests assert.

Expected values are transcribed from gift_expectations.md (sections A, C and E) as data below.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from elearn.quizzes.formats.gift import export_gift, extract_idnumber_and_tags, parse_gift
from tests.quizzes.moodle_fixtures import GIFT, GIFT_INPUTS, require_fixtures

require_fixtures()

D = Decimal


def one(filename: str):
    questions = parse_gift((GIFT_INPUTS / filename).read_text(encoding="utf-8"))
    assert len(questions) == 1
    return questions[0]


def answers(q):
    return [(a.text, a.text_format, a.fraction, a.feedback, a.feedback_format) for a in q.answers]


# (file, type, name, text, text format, general feedback, general feedback format)
HEADERS = [
    ("01_import_essay.gift", "essay", "Q8", "How are you?", "moodle", "", "moodle"),
    (
        "02_import_match.gift",
        "matching",
        "Moodle activities",
        "Match the <b>activity</b> to the description.",
        "html",
        "",
        "html",
    ),
    (
        "03_import_multichoice.gift",
        "single_choice",
        "Q2",
        "What's between orange and green in the spectrum?",
        "moodle",
        "",
        "moodle",
    ),
    (
        "04_import_multichoice_multi.gift",
        "multiple_response",
        "colours",
        "What's between orange and green in the spectrum?",
        "moodle",
        "",
        "moodle",
    ),
    (
        "05_import_multichoice_multi_tricky.gift",
        "multiple_response",
        "colours",
        "What's between orange and green in the spectrum?",
        "moodle",
        "",
        "moodle",
    ),
    ("06_import_numerical.gift", "numerical", "Q5", "What is a number from 1 to 5?", "moodle", "", "moodle"),
    (
        "07_import_shortanswer.gift",
        "short_answer",
        "Shortanswer",
        "Which is the best animal?",
        "moodle",
        "",
        "moodle",
    ),
    (
        "08_import_shortanswer_with_general_feedback.gift",
        "short_answer",
        "Shortanswer",
        "Which is the best animal?",
        "moodle",
        "Here is some general feedback!",
        "html",
    ),
    (
        "09_import_truefalse.gift",
        "true_false",
        "Q1",
        "42 is the Absolute Answer to everything.",
        "moodle",
        "",
        "moodle",
    ),
    (
        "10_import_truefalse_true_answer1.gift",
        "true_false",
        "2-08 TSL",
        "TSL is blablabla.",
        "moodle",
        "",
        "moodle",
    ),
    (
        "11_import_truefalse_true_answer2.gift",
        "true_false",
        "2-08 TSL",
        "TSL is blablabla.",
        "moodle",
        "",
        "moodle",
    ),
    ("12_import_backslash.gift", "essay", "double backslash", "A \\ B \\\\ C", "moodle", "", "moodle"),
    (
        "13_import_pre_content.gift",
        "essay",
        "Q001",
        "<p>What would running the test method print?</p>\n<pre>\npublic void test() {\nmethod1();"
        "\nmethod2();\nmethod3();\n}\n</pre>",
        "html",
        "",
        "html",
    ),
    ("14_import_question_with_tags.gift", "essay", "Question name", "How are you?", "moodle", "", "moodle"),
]


@pytest.mark.parametrize(("filename", "qtype", "name", "text", "fmt", "gf", "gf_format"), HEADERS)
def test_question_header_matches_moodle(filename, qtype, name, text, fmt, gf, gf_format):
    q = one(filename)
    assert (q.type, q.name, q.text, q.text_format) == (qtype, name, text, fmt)
    assert (q.general_feedback, q.general_feedback_format) == (gf, gf_format)


def test_a1_essay_defaults():
    q = one("01_import_essay.gift")
    assert q.options["default_mark"] == 1 and q.options["penalty"] == D("0.3333333")
    assert q.options["responseformat"] == "editor"
    assert q.options["responsefieldlines"] == 15
    assert q.options["attachments"] == 0
    assert q.options["graderinfo"] == ""
    assert q.answers == [] and q.pairs == []


def test_a2_match_subquestions_and_formats():
    q = one("02_import_match.gift")
    assert q.options["shuffle"] is True
    assert [(p.question, p.question_format, p.answer) for p in q.pairs] == [
        ("An activity supporting asynchronous discussions.", "html", "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "moodle", "Choice"),
        ("A bank of record entries which participants can add to.", "plain", "Database"),
        ("A collection of web pages that anyone can add to or edit.", "markdown", "Wiki"),
        ("", "html", "Chat"),
    ]


def test_a3_multichoice_single_with_formats():
    q = one("03_import_multichoice.gift")
    assert q.options["single"] is True and q.options["shuffle"] is True
    assert q.options["answernumbering"] == "abc"
    assert answers(q) == [
        ("yellow", "moodle", 1, "right; good!", "moodle"),
        ("red", "moodle", 0, "wrong, it's yellow", "html"),
        ("blue", "plain", 0, "wrong, it's yellow", "moodle"),
    ]


def test_a4_multichoice_multi():
    q = one("04_import_multichoice_multi.gift")
    assert q.options["single"] is False
    assert answers(q) == [
        ("yellow", "moodle", D("0.5"), "right; good!", "moodle"),
        ("red", "moodle", D(-1), "wrong", "html"),
        ("off-beige", "moodle", D("0.5"), "right; good!", "moodle"),
        ("blue", "plain", D(-1), "wrong", "moodle"),
    ]


def test_a5_multi_tricky_is_multiple_response_without_equals():
    q = one("05_import_multichoice_multi_tricky.gift")
    assert q.type == "multiple_response" and q.options["single"] is False
    assert [a.fraction for a in q.answers] == [1, D("-0.5"), D("-0.5")]
    assert [a.text for a in q.answers] == ["yellow", "red", "blue"]
    assert [a.feedback for a in q.answers] == ["right; good!", "wrong", "wrong"]


def test_a6_numerical_with_other_answer_feedback():
    q = one("06_import_numerical.gift")
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in q.answers] == [
        ("3", 1, 2, ""),
        ("*", 0, 0, "Completely wrong"),
    ]


@pytest.mark.parametrize(
    "filename", ["07_import_shortanswer.gift", "08_import_shortanswer_with_general_feedback.gift"]
)
def test_a7_a8_shortanswer(filename):
    q = one(filename)
    assert [(a.text, a.fraction, a.feedback, a.feedback_format) for a in q.answers] == [
        ("Frog", 1, "Good!", "moodle"),
        ("Cat", D("0.5"), "What is it with Moodlers and cats?", "moodle"),
        ("*", 0, "Completely wrong", "moodle"),
    ]
    assert q.options["case_sensitive"] is False


def test_a9_truefalse_feedback_goes_to_the_wrong_and_right_response():
    q = one("09_import_truefalse.gift")
    assert q.options["penalty"] == 1
    true, false = q.answers
    assert (true.text, true.fraction, true.feedback) == ("true", 0, "42 is the Ultimate Answer.")
    assert (false.text, false.fraction, false.feedback) == ("false", 1, "You gave the right answer.")


@pytest.mark.parametrize(
    "filename", ["10_import_truefalse_true_answer1.gift", "11_import_truefalse_true_answer2.gift"]
)
def test_a10_a11_truefalse_true(filename):
    q = one(filename)
    assert q.options["penalty"] == 1
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [("true", 1, ""), ("false", 0, "")]


def test_a14_tags_and_idnumber_from_comments():
    q = one("14_import_question_with_tags.gift")
    assert q.tags == ["tag", "other-tag"]
    assert q.idnumber == "myid"


def test_a15_extract_idnumber_and_tags_cases():
    cases = json.loads((GIFT_INPUTS / "extract_idnumber_and_tags_cases.json").read_text(encoding="utf-8"))
    assert len(cases) == 9
    for case in cases:
        assert extract_idnumber_and_tags(case["comment"]) == (
            case["expected_idnumber"],
            case["expected_tags"],
        ), case["case"]


def test_c_questions_file():
    questions = parse_gift((GIFT / "questions.gift.txt").read_text(encoding="utf-8"))
    assert len(questions) == 9
    assert "What's between orange and green in the spectrum?" in [q.text for q in questions]
    assert "colours" in [q.name for q in questions]
    # The two stray `";` after a closing brace turn those questions into "missing word" text.
    assert questions[4].text == 'What is a number from 1 to 5? _____";'
    assert questions[6].text == '42 is the Absolute Answer to everything._____";'
    assert questions[6].general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    # Moodle's re-export (Behat: 1500-1800 bytes) starts with the bank category's $CATEGORY switch.
    for q in questions:
        q.category = "Default for Course 1"
    exported = export_gift(questions).encode("utf-8")
    assert 1500 <= len(exported) <= 1800
    assert parse_gift(exported.decode("utf-8")) == questions


def test_c_questions_in_category_file():
    questions = parse_gift((GIFT / "questions_in_category.gift.txt").read_text(encoding="utf-8"))
    assert len(questions) == 4  # the $CATEGORY block is not a question
    assert {q.category for q in questions} == {"Default for New Features"}
    assert questions[0].name == "Moodle activities"
    assert questions[0].text == "Match the activity to the description."
    greeting = questions[1]
    assert greeting.text.startswith(
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this'
    )
    assert [q.type for q in questions] == ["matching", "single_choice", "short_answer", "true_false"]


@pytest.fixture(scope="module")
def examples():
    return {q.line: q for q in parse_gift((GIFT / "examples.txt").read_text(encoding="utf-8"))}


# (line in examples.txt, type, text, [(answer, fraction)]) - section E's derived cases.
EXAMPLES = [
    (10, "single_choice", "Grant is _____ in Grant's tomb.", [("buried", 0), ("entombed", 1), ("living", 0)]),
    (14, "short_answer", "Who's buried in Grant's tomb?", [("no one", 1), ("nobody", 1)]),
    (45, "short_answer", "Two plus two equals _____.", [("four", 1), ("4", 1)]),
    (49, "true_false", "Grant is buried in Grant's tomb.", [("true", 0), ("false", 1)]),
    (51, "true_false", "The sun rises in the east.", [("true", 1), ("false", 0)]),
    (70, "numerical", "When was Ulysses S. Grant born?", [("1822", 1)]),
    (74, "numerical", "What is the value of pi (to 3 decimal places)? _____.", [("3.1415", 1)]),
    (76, "numerical", "When was Ulysses S. Grant born?", [("1822", 1), ("1822", D("0.5"))]),
    (
        136,
        "multiple_response",
        "What two people are entombed in Grant's tomb?",
        [
            ("No one", D("-0.5")),
            ("Grant", D("0.5")),
            ("Grant's wife", D("0.5")),
            ("Grant's father", D("-0.5")),
        ],
    ),
    (143, "single_choice", "Which answer equals 5?", [("= 2 + 2", 0), ("= 2 + 3", 1), ("= 2 + 4", 0)]),
    (108, "short_answer", "Who's buried in **Grant's tomb**?", [("no one", 1), ("nobody", 1)]),
    (113, "true_false", "Grant is buried in Grant's tomb.", [("true", 0), ("false", 1)]),
    (
        115,
        "single_choice",
        "Difficult question.",
        [("wrong answer", 0), ("half credit answer", D("0.5")), ("full credit answer", 1)],
    ),
]


@pytest.mark.parametrize(("line", "qtype", "text", "expected"), EXAMPLES)
def test_e_examples(examples, line, qtype, text, expected):
    q = examples[line]
    assert (q.type, q.text) == (qtype, text)
    assert [(a.text, a.fraction) for a in q.answers] == expected


def test_e_examples_details(examples):
    assert len(examples) == 43
    assert [a.tolerance for a in examples[70].answers] == [0]
    assert [a.tolerance for a in examples[74].answers] == [D("0.0005")]
    assert [a.tolerance for a in examples[76].answers] == [0, 2]
    markdown = examples[108]
    assert markdown.text_format == "markdown"
    assert {a.feedback_format for a in markdown.answers} == {"markdown"}
    assert [a.feedback for a in examples[113].answers] == ["No one is buried in Grant's tomb.", ""]
    match = examples[177]
    assert match.type == "matching"
    assert match.text == "Match the following countries with their corresponding\ncapitals."
    assert [(p.question, p.answer) for p in match.pairs] == [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
    ]
    control = examples[148]
    assert [a.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert [a.fraction for a in control.answers] == [0, 0, 0, 0, 0, 1]
    assert control.answers[-1].feedback.startswith(
        "Correct! \\ (backslash) is not a control character. BUT,\n"
    )


def test_every_fixture_round_trips_through_gift_export():
    files = [*GIFT.glob("*.txt"), *GIFT_INPUTS.glob("[0-9]*.gift")]
    assert len(files) == 17
    for path in files:
        questions = parse_gift(path.read_text(encoding="utf-8"))
        assert parse_gift(export_gift(questions)) == questions, path.name
