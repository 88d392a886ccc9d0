"""Operations: a request id on every request and log line, JSON logs, and database backups."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, g, has_request_context, request
from sqlalchemy.engine import make_url

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("elearn.request")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id when there is a request."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    if app.config.get("LOG_JSON", True) and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        for name in ("elearn", app.logger.name):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False
        # Every request writes a line. These lines carry neither the caller's file and line nor the thread,
        # and looking them up was a third of each line's cost: off, as the logging HOWTO's "Optimization"
        # section describes (the process id stays on: gunicorn's own log lines show it).
        logging._srcfile = None
        logging.logThreads = False
        logging.logMultiprocessing = False

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.endpoint != "static":
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        # The route pattern, not the path: /v/<token> paths carry a certificate holder's data.
                        "route": request.url_rule.rule if request.url_rule else None,
                        "status": response.status_code,
                        "ms": round(
                            (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1
                        ),
                    }
                },
            )
        return response


def backup_sqlite(database_url: str, target_dir: Path) -> Path:
    """A consistent copy of a live SQLite database (the online backup API; writers may keep writing)."""
    source_path = make_url(database_url).database
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"elearn-{datetime.now(UTC):%Y%m%d-%H%M%S}.sqlite3"
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    _check_sqlite(target)
    return target


def restore_sqlite(database_url: str, backup: Path) -> None:
    """Replaces the live database's content with a backup's (checked first), through the backup API."""
    _check_sqlite(backup)
    target_path = make_url(database_url).database
    with sqlite3.connect(backup) as source, sqlite3.connect(target_path) as target:
        source.backup(target)


def _check_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.execute("SELECT count(*) FROM alembic_version").fetchone()
    if result != "ok":
        raise ValueError(f"{path}: integrity check failed: {result}")


def pg_dump_instructions(database_url: str) -> str:
    url = make_url(database_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "PostgreSQL: sao lưu bằng pg_dump (định dạng custom, nén):\n"
        f'  pg_dump --format=custom --no-owner --file=elearn-$(date +%Y%m%d-%H%M).dump "{libpq}"\n'
        "Khôi phục vào một cơ sở dữ liệu trống:\n"
        f'  pg_restore --no-owner --clean --if-exists --dbname "{libpq}" elearn-YYYYmmdd-HHMM.dump\n'
        "Sao lưu cả thư mục instance/ (chứng chỉ PDF đã cấp, khóa ký) cùng lúc."
    )
