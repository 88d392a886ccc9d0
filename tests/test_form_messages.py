"""No message WTForms or Flask-WTF write themselves reaches a user in English.

WTForms has no Vietnamese catalogue, so elearn.extensions carries one; these tests check it covers every
message the installed WTForms and Flask-WTF can produce, that every form of the app uses it, that no form
relies on a validator whose default message cannot be translated, and that the pages the phone audit found
now answer in Vietnamese.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import flask_wtf
import pytest
import wtforms
from flask_wtf import file as wtf_file
from wtforms import validators as v
from wtforms.fields import FieldList, FormField

import elearn
from elearn.extensions import WTFORMS_VI
from tests import factories

_GETTEXT_RE = re.compile(r'\bn?gettext\(\s*((?:"[^"\n]*"\s*)+)')
_PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%s|\{\w+\}")


def _library_messages() -> set[str]:
    """Every literal message WTForms and Flask-WTF pass to gettext/ngettext (singular form)."""
    found = set()
    for package in (wtforms, flask_wtf):
        for path in Path(package.__file__).parent.rglob("*.py"):
            for match in _GETTEXT_RE.finditer(path.read_text(encoding="utf-8")):
                found.add("".join(re.findall(r'"([^"\n]*)"', match.group(1))))
    return found


LIBRARY_MESSAGES = _library_messages()
# A few words that start WTForms' English messages: none may appear on a page.
ENGLISH = sorted({" ".join(m.split()[:2]) for m in LIBRARY_MESSAGES if " " in m})

# Validators whose default message (message=None) comes from the catalogue. A validator missing here, used
# without a message, fails test_every_form_uses_translatable_messages: check its message first.
CATALOGUED = (
    v.DataRequired,
    v.InputRequired,
    v.Length,
    v.NumberRange,
    v.Email,
    v.EqualTo,
    v.Regexp,
    v.AnyOf,
    v.NoneOf,
    v.URL,
    v.UUID,
    v.IPAddress,
    v.ReadOnly,
    v.Disabled,
    wtf_file.FileRequired,
    wtf_file.FileAllowed,
)


# Validators that %-format an explicit message (with min, max, other_name, values...).
PERCENT_FORMATTED = (v.Length, v.NumberRange, v.EqualTo, v.AnyOf, v.NoneOf, v.DateRange)


def assert_vietnamese(html: str) -> None:
    leaked = [e for e in ENGLISH if e in html]
    assert not leaked, f"English WTForms messages on the page: {leaked}"


def test_the_catalogue_covers_every_built_in_message():
    assert len(LIBRARY_MESSAGES) > 30  # the scan found WTForms' messages
    missing = sorted(LIBRARY_MESSAGES - set(WTFORMS_VI))
    assert not missing, f"WTForms/Flask-WTF messages without Vietnamese: {missing}"
    for english, vietnamese in WTFORMS_VI.items():
        assert sorted(_PLACEHOLDER_RE.findall(english)) == sorted(_PLACEHOLDER_RE.findall(vietnamese))
        assert vietnamese != english


def _form_classes() -> list[type]:
    modules = [
        m.name
        for m in pkgutil.walk_packages(elearn.__path__, "elearn.")
        if m.name.rsplit(".", 1)[-1].endswith("forms")
    ]
    classes = []
    for name in modules:
        module = importlib.import_module(name)
        classes += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, wtforms.Form) and obj.__module__ == name
        ]
    return classes


def _fields(form):
    """(form class, field) for every field, those of sub-forms (FormField, FieldList) included."""
    for field in form:
        entries = field.entries if isinstance(field, FieldList) else [field]
        for entry in entries:
            if isinstance(entry, FormField):
                yield from _fields(entry.form)
            else:
                yield type(form), entry


def test_every_form_uses_translatable_messages(app):
    classes = _form_classes()
    names = {c.__module__ for c in classes}
    assert len(classes) > 30 and {"elearn.accounts.forms", "elearn.quizzes.quiz_forms"} <= names
    english = set()
    with app.test_request_context("/", method="POST"):
        app.preprocess_request()  # where the app puts its WTForms translations
        for cls in classes:
            if not issubclass(cls, flask_wtf.FlaskForm):
                continue  # a sub-form: checked inside the forms that hold it
            form = cls(formdata=None, meta={"csrf": False})
            for owner, field in _fields(form):
                where = f"{owner.__module__}.{owner.__name__}.{field.name}"
                if field.gettext("Not a valid integer value.") != "Hãy nhập một số nguyên.":
                    english.add(f"{owner.__module__}.{owner.__name__}")
                for validator in field.validators:
                    message = getattr(validator, "message", "")
                    if message is None:
                        assert isinstance(validator, CATALOGUED), f"{where}: {validator!r} needs a message"
                    elif isinstance(validator, PERCENT_FORMATTED):
                        message % defaultdict(int)  # "100%" instead of "100%%" would fail on a bad input
    # a sub-form built on wtforms.Form, not FlaskForm, would speak English even inside a FlaskForm
    assert not english


@pytest.fixture
def trainer_course(db, world, auth):
    course = factories.course(db, "MSG-01", owner=world.trainer, modules=(3,))
    auth.login("trainer@test.vn")
    return course


def test_short_passwords_are_refused_in_vietnamese(db, world, auth, client):
    auth.login("officer@test.vn")
    html = auth.post("/account/password", {"current": "x", "new": "ab1", "confirm": "ab1"}).get_data(True)
    assert "Mật khẩu phải có từ 8 đến 200 ký tự." in html
    assert_vietnamese(html)
    auth.client.post("/logout", data={"csrf_token": auth.csrf("/")})
    auth.login("admin@test.vn")
    data = {"email": "moi@test.vn", "full_name": "Người Mới", "role": "trainer", "unit_id": "0"}
    response = auth.post("/admin/users/new", {**data, "password": "ab1"})
    html = response.get_data(as_text=True)
    assert "Mật khẩu phải có từ 8 đến 200 ký tự." in html
    assert_vietnamese(html)


QUIZ_FORM = {
    "title": "Kiểm tra",
    "grace_seconds": "60",
    "attempts_allowed": "1",
    "grading_method": "highest",
    "pass_mark": "50",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"grace_seconds": "-5"}, "Từ 0 đến 600 giây."),
        ({"attempts_allowed": "-1"}, "Từ 0 đến 100 lần."),
        ({"pass_mark": "150"}, "Điểm đạt từ 0 đến 100%."),
        ({"time_limit_minutes": "1.5"}, "Số phút phải là một số nguyên."),
        ({"pass_mark": "năm mươi"}, "Hãy nhập một số hợp lệ."),
    ],
)
def test_quiz_settings_answer_in_vietnamese(db, world, auth, client, changes, message):
    quiz, _, _, _ = factories.quiz_setup(db)
    auth.login("trainer@test.vn")
    for url, extra in (
        ("/quizzes/new", {"owner": f"course:{quiz.course_id}"}),
        (f"/quizzes/{quiz.id}/edit", {}),
    ):
        response = auth.post(url, {**QUIZ_FORM, **extra, **changes})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and message in html, url
        assert html.count('class="error"') == 1  # one message, not a second one about the range
        assert_vietnamese(html)


def test_course_hours_with_a_fraction_say_so_once(trainer_course, auth):
    data = {
        "code": "MSG-01",
        "title": "Chuyên đề",
        "delivery": "online",
        "enrolment": "open",
        "completion": "tất cả",
        "hours": "1.5",
    }
    html = auth.post(f"/courses/manage/{trainer_course.id}/edit", data).get_data(as_text=True)
    assert "Số giờ phải là một số nguyên." in html and "Số giờ từ 0" not in html
    assert_vietnamese(html)
