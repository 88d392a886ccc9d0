"""Certificate tests: the per-process key ring cache must not outlive a test's rolled-back transaction."""

from __future__ import annotations

import pytest

from elearn.certificates import keys, verification


@pytest.fixture(autouse=True)
def _fresh_key_ring(app, monkeypatch):
    keys.clear_cache()
    verification._buffer.rows.clear()
    monkeypatch.setitem(app.config, "VERIFY_LOG_MAX_DELAY", 0)  # every row written at once
    yield
    keys.clear_cache()


@pytest.fixture
def instance(app):
    return app.instance_path
