"""create_app warns operators about development defaults: certificate QR codes pointing at the default
PUBLIC_BASE_URL, rate limits counted per process without REDIS_URL."""

from __future__ import annotations

import logging

import pytest

from elearn import create_app


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def warnings_of_create_app(tmp_path, monkeypatch):
    """Build an app as production would (no TESTING, no DEBUG) and return the app logger's warnings."""
    monkeypatch.setenv("ELEARN_INSTANCE", str(tmp_path))
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    # A handler on the app's logger, not caplog: a production-like app built earlier turns propagation off.
    records = _Records()
    logger = logging.getLogger("elearn")
    logger.addHandler(records)

    def build(**config) -> list[str]:
        records.records.clear()
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
                "SECRET_KEY": "x",
                "LOG_JSON": False,
                **config,
            }
        )
        return [r.getMessage() for r in records.records if r.levelno == logging.WARNING]

    yield build
    logger.removeHandler(records)


def test_unset_public_base_url_is_logged_once(warnings_of_create_app):
    warnings = [m for m in warnings_of_create_app() if "PUBLIC_BASE_URL" in m]
    assert len(warnings) == 1
    assert "QR codes will point at the default address http://127.0.0.1:8000" in warnings[0]


@pytest.mark.parametrize("config", [{"TESTING": True}, {"DEBUG": True}])
def test_no_warning_when_testing_or_debugging(warnings_of_create_app, config):
    assert not [m for m in warnings_of_create_app(**config) if "PUBLIC_BASE_URL" in m]


def test_no_warning_when_the_address_is_set(warnings_of_create_app, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://daotao.example.vn")
    assert not [m for m in warnings_of_create_app() if "PUBLIC_BASE_URL" in m]


def test_rate_limits_in_process_memory_are_logged(warnings_of_create_app):
    warnings = [m for m in warnings_of_create_app() if "REDIS_URL" in m]
    assert len(warnings) == 1 and "each counts alone" in warnings[0]
    assert not [m for m in warnings_of_create_app(TESTING=True) if "REDIS_URL" in m]


def test_no_rate_limit_warning_with_redis(warnings_of_create_app):
    assert not [
        m
        for m in warnings_of_create_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
        if "REDIS_URL" in m
    ]
