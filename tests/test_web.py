"""The view helper that commits a service call or flashes its domain error."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages

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
