"""The view helper that commits a service call or flashes its domain error."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import get_flashed_messages
from flask_babel import format_date, format_datetime

from elearn.errors import ValidationError
from elearn.web import committing


class FakeSession:
    def __init__(self):
        self.calls = []

    def commit(self):
        self.calls.append("commit")

    def rollback(self):
        self.calls.append("rollback")


def test_success_commits_and_flashes(app):
    db = FakeSession()
    with app.test_request_context():
        with committing(db, "Đã lưu lớp học.") as outcome:
            pass
        assert outcome.ok and db.calls == ["commit"]
        assert get_flashed_messages(with_categories=True) == [("success", "Đã lưu lớp học.")]


def test_domain_error_rolls_back_and_flashes_its_message(app):
    db = FakeSession()
    with app.test_request_context():
        with committing(db, "Đã lưu.") as outcome:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")
        assert not outcome.ok and db.calls == ["rollback"]
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Ngày kết thúc phải sau ngày bắt đầu.")
        ]


def test_other_errors_propagate(app):
    db = FakeSession()
    with app.test_request_context(), pytest.raises(KeyError), committing(db):
        raise KeyError("x")
    assert db.calls == []


@pytest.mark.parametrize(
    "value",
    [
        date(2026, 3, 1),
        datetime(2026, 11, 22, 16, 59),  # naive UTC: 23:59 on the 22nd in Vietnam
        datetime(2026, 11, 22, 17, 0),  # naive UTC: 00:00 on the 23rd in Vietnam
        datetime(2026, 1, 1, 0, 30, tzinfo=UTC),
    ],
)
def test_date_filters_show_vietnamese_dates_in_vietnam_time(app, value):
    """The filters give what Flask-Babel's formatting gives with the app's locale and timezone."""
    with app.test_request_context("/"):
        env = app.jinja_env
        assert env.filters["vn_date"](value) == format_date(value, "dd/MM/yyyy")
        if isinstance(value, datetime):
            assert env.filters["vn_datetime"](value) == format_datetime(value, "HH:mm dd/MM/yyyy")
        assert env.filters["vn_date"](None) == env.filters["vn_datetime"](None) == ""


def test_numbers_are_written_the_vietnamese_way():
    from decimal import Decimal

    from elearn.web import vn_number

    assert [vn_number(v) for v in (1.0, 2.5, 0.333, Decimal("20.00"), 25, -0.001)] == [
        "1",
        "2,5",
        "0,33",
        "20",
        "25",
        "0",
    ]
    assert vn_number(1234567.891) == "1.234.567,89" and vn_number(3741, 0) == "3.741"
    assert vn_number(20, 1, fixed=True) == "20,0" and vn_number(83.35, 1) == "83,4"
    assert vn_number(None) == "" and vn_number(float("inf")) == "inf"


def test_numbers_beyond_a_database_integer_are_refused_not_a_500(db, world, auth, client):
    huge = "99999999999999999999"
    auth.login("staff-a@test.vn")
    assert client.get(f"/officers/?page={huge}").status_code == 200  # treated as the first page
    assert client.get(f"/officers/{huge}").status_code == 404
    client.delete_cookie("session", domain="lms.test")
    auth.login("trainer@test.vn")
    assert client.get(f"/banks/?category={huge}").status_code == 200
