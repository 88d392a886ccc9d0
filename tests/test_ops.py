"""Operations: backup and restore, request ids and JSON logs, the health endpoint."""

from __future__ import annotations

import json
import logging
import os

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from elearn import create_app, migrations
from elearn.db import make_engine
from elearn.officers.models import Officer
from elearn.ops import JsonFormatter
from tests import factories


@pytest.fixture
def sqlite_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        factories.base_world(session, "matkhau123")
        session.commit()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    app.instance_path = str(tmp_path)
    yield app, engine
    engine.dispose()


def _officers(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Officer))


def test_backup_then_restore_brings_the_data_back(sqlite_app, tmp_path):
    app, engine = sqlite_app
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    backup = next((tmp_path / "backups").glob("elearn-*.sqlite3"))
    before = _officers(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM position"))
        conn.execute(text("DELETE FROM user_account WHERE email LIKE 'staff%'"))
    assert _officers(engine) == before  # officers remain, but positions and accounts are gone
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM position")).scalar() > 0
        assert conn.execute(text("SELECT count(*) FROM user_account WHERE email LIKE 'staff%'")).scalar() == 2


def test_restore_refuses_a_damaged_file(sqlite_app, tmp_path):
    app, _ = sqlite_app
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    result = app.test_cli_runner().invoke(args=["restore", str(broken), "--yes"])
    assert result.exit_code != 0


def test_backup_on_postgresql_prints_pg_dump_instructions(database_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "postgresql+psycopg://u:secret@db.example/elearn",
            "SECRET_KEY": "x",
        }
    )
    result = app.test_cli_runner().invoke(args=["backup"])
    assert "pg_dump --format=custom" in result.output and "secret" not in result.output


def test_request_id_is_returned_and_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="elearn.request")
    response = client.get("/login", headers={"X-Request-ID": "abc12345-from-proxy"})
    assert response.headers["X-Request-ID"] == "abc12345-from-proxy"
    generated = client.get("/login", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert len(generated) == 32
    record = next(r for r in caplog.records if r.name == "elearn.request")
    assert record.fields["route"] == "/login" and record.fields["status"] == 200


def test_log_lines_name_routes_not_paths_with_tokens(client, caplog):
    caplog.set_level(logging.INFO, logger="elearn.request")
    client.get("/v/Nguyen-Thi-Thanh-Tung-token")
    routes = [r.fields["route"] for r in caplog.records if r.name == "elearn.request"]
    assert routes == ["/v/<cert_token>"]
    assert "Nguyen" not in caplog.text


def test_json_log_lines(app):
    formatter = JsonFormatter()
    with app.test_request_context("/x"):
        from flask import g

        g.request_id = "rid-123456"
        record = logging.LogRecord("elearn", logging.INFO, __file__, 1, "xin chào %s", ("bạn",), None)
        record.fields = {"status": 200}
        line = json.loads(formatter.format(record))
    assert line["message"] == "xin chào bạn" and line["request_id"] == "rid-123456" and line["status"] == 200


def test_health_endpoint(client, app):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_health_endpoint_reports_a_database_that_is_down():
    app = create_app(
        {"TESTING": True, "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none", "SECRET_KEY": "x"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unavailable"


def test_a_lost_database_answers_503_with_retry_after():
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none",
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
        }
    )
    response = app.test_client().post("/login", data={"email": "a@b.vn", "password": "matkhau123"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "Hệ thống đang bận" in response.get_data(as_text=True)


def test_a_lost_database_answers_json_to_scripts():
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none",
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
        }
    )
    response = app.test_client().get("/api/v1/verify/AQgyMDI2LTA5YQ5ITi0yMDI2LTAwMDAwMQ")
    assert response.status_code == 503 and response.get_json()["retry"] is True
