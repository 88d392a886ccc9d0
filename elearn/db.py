"""Database engine and sessions: one session per request, committed once by the view or CLI command."""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import ColumnElement, MetaData, create_engine, event, literal_column
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from elearn.sqlite_writers import QueuedConnection, WriterQueue, queue_for

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


SQLITE_BUSY_SECONDS = 15


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def inline(value: str) -> ColumnElement:
    """A constant written into the statement's SQL when it is compiled, instead of bound. SQLite prepares a
    statement again on every execution when a bound value meets a column that a partial index filters on
    (quiz_attempt.state, certificate.status): about 50 µs each time, more than the query itself."""
    if not value.isidentifier():
        raise ValueError(f"not a plain constant: {value!r}")
    return literal_column(f"'{value}'")


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        connect_args = {"timeout": SQLITE_BUSY_SECONDS, "factory": QueuedConnection}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, queue_for(make_url(url).database, SQLITE_BUSY_SECONDS))
        return engine
    # psycopg prepares a statement after five runs and PostgreSQL then reuses its plan: the hot statements
    # (the signed-in user, an answer's checks) are planned once. Subtree conditions, whose best plan differs
    # between a CĐCS and a whole federation, write their bounds into the SQL (authz.path_in_subtree).
    engine = create_engine(url, pool_size=10, max_overflow=10, **kwargs)
    _ping_idle_connections(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 5.0


def _ping_idle_connections(engine: Engine) -> None:
    """SQLAlchemy's pool_pre_ping, for connections that sat idle in the pool: a connection used a moment ago
    is alive, and pinging it on every check-out cost a round trip per request (a tenth of an answer save).
    A connection that died under load (PostgreSQL restarted) fails its statement once: SQLAlchemy then
    drops every pooled connection, and the request gets the retryable 503 (see create_app)."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("idle connection lost") from error  # the pool retries with a new one


def _configure_sqlite(engine: Engine, writers: WriterQueue | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.writer_queue = writers
        # Let SQLAlchemy, not pysqlite, issue BEGIN so that SAVEPOINTs work (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        dbapi_connection = conn.connection.dbapi_connection
        if not _takes_write_lock():
            # Every request begins one: straight on the pysqlite connection, a sixth of a session's cost
            # through exec_driver_sql. A deferred BEGIN takes no lock; should it fail anyway (a broken
            # connection), the second try raises the error wrapped as SQLAlchemy's, which views handle.
            try:
                dbapi_connection.execute("BEGIN")
            except sqlite3.Error:
                conn.exec_driver_sql("BEGIN")
            return
        dbapi_connection.enter_queue()  # left on COMMIT or ROLLBACK (elearn.sqlite_writers)
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")  # straight on the connection, as above
        except sqlite3.Error as error:  # busy past the timeout: raised as SQLAlchemy's, which views handle
            dbapi_connection.leave_queue()
            raise DBAPIError.instance("BEGIN IMMEDIATE", (), error, sqlite3.Error) from error
        except BaseException:
            dbapi_connection.leave_queue()
            raise


def _takes_write_lock() -> bool:
    """A request that may write takes SQLite's write lock at BEGIN: a deferred transaction that read and then
    writes fails at once ("database is locked") when another connection wrote in between, whereas BEGIN
    IMMEDIATE waits (in the writer queue, then the busy timeout). Reads (GET) keep deferred, concurrent
    transactions, except the one after begin_writes(), and so does the first transaction of a view marked
    `reads_first` (the signed-in user's lookup and the view's checks): such a view ends it before it writes,
    so the lock is held for its writes only."""
    if not has_request_context():
        return False
    if g.pop("db_writes_next", False):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if "db_reads_done" not in g:
        g.db_reads_done = True
        view = current_app.view_functions.get(request.endpoint)
        return not getattr(view, "reads_first", False)
    return True


def end_reads(session: Session) -> None:
    """Between a view's reads and its writes. On SQLite the read transaction ends, so that the writes begin
    a transaction that holds the write lock (see _takes_write_lock); on PostgreSQL, where a transaction may
    read and then write, it goes on: one commit and one connection check-out fewer."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()


def begin_writes() -> None:
    """The request's next transaction writes (in a GET request too): it takes SQLite's write lock, and its
    place in the writer queue, at BEGIN instead of upgrading a read, which fails at once when another
    connection wrote in between. Outside requests nothing changes (only requests take the lock early)."""
    if has_request_context():
        g.db_writes_next = True


def reads_first(view):
    """Marks a writing view whose first transaction only reads; see _takes_write_lock."""
    view.reads_first = True
    return view


def reads_then_one_statement(view):
    """Marks a view that reads, then writes with one statement whose WHERE re-checks what the reads checked
    (the answer autosave). On SQLite it is a `reads_first` view. On PostgreSQL its session runs in
    autocommit: no BEGIN and no COMMIT, two of the save's five round trips; a single statement is atomic by
    itself. A view that must then write more than one statement calls use_transactions() first."""
    view.reads_first = view.autocommit = True
    return view


def use_transactions(session: Session) -> None:
    """In a `reads_then_one_statement` view: what follows runs in transactions again (on PostgreSQL the
    session leaves autocommit; on SQLite the read transaction ends, see end_reads)."""
    session.commit()
    if session.bind is not None and session.bind is current_app.extensions.get("db_autocommit_engine"):
        session.bind = current_app.extensions["db_engine"]


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    if engine.dialect.name != "sqlite":  # SQLite's transactions are begun by _configure_sqlite
        app.extensions["db_autocommit_engine"] = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.extensions["db_connect"] = engine.connect
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The session of the current request or CLI command."""
    if "db_session" not in g:
        make, autocommit = current_app.extensions["db_sessionmaker"], _autocommit_bind()
        g.db_session = make(bind=autocommit) if autocommit is not None else make()
    return g.db_session


def _autocommit_bind() -> Engine | None:
    """The autocommit engine for a `reads_then_one_statement` view on PostgreSQL."""
    autocommit = current_app.extensions.get("db_autocommit_engine")
    if autocommit is None or not has_request_context() or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    return autocommit if getattr(view, "autocommit", False) else None


def connect() -> AbstractContextManager[Connection]:
    """A Core connection, for a view that reads a few rows and needs no ORM session (a third cheaper than
    the session's connection and its teardown); closed, which ends its transaction, when the block ends."""
    return current_app.extensions["db_connect"]()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.rollback()
        except SQLAlchemyError:
            current_app.logger.warning("rollback failed on a lost database connection", exc_info=True)
        finally:
            session.close()


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching `text` anywhere, with % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
