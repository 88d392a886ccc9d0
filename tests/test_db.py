"""Transactions of a request: when SQLite's write lock is taken, the queue writers wait in, and the
read phase of views that read before they write."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from elearn import db as elearn_db
from elearn.db import (
    begin_writes,
    end_reads,
    make_engine,
    reads_first,
    reads_then_one_statement,
    use_transactions,
)
from elearn.sqlite_writers import WriterQueue, queue_for


def test_the_queue_makes_a_second_process_wait_until_the_first_leaves(tmp_path):
    # Two queues on one file behave like two processes: each has its own open file, and flock is per file.
    path = str(tmp_path / "q.sqlite3")
    first, second = WriterQueue(path, 5), WriterQueue(path, 5)
    first.acquire()
    entered = threading.Event()

    def wait_then_enter():
        second.acquire()
        entered.set()

    waiter = threading.Thread(target=wait_then_enter)
    waiter.start()
    assert not entered.wait(0.3)
    first.release()
    assert entered.wait(5)
    second.release()
    waiter.join()


def test_threads_of_one_process_wait_their_turn_and_give_up_after_the_timeout(tmp_path):
    queue = WriterQueue(str(tmp_path / "q.sqlite3"), 0.2)
    queue.acquire()
    failures = []

    def try_enter():
        try:
            queue.acquire()
        except sqlite3.OperationalError as error:
            failures.append(str(error))

    other = threading.Thread(target=try_enter)
    other.start()
    other.join()
    assert failures and "locked" in failures[0]
    queue.release()


@pytest.fixture
def sqlite_engine(tmp_path, monkeypatch):
    monkeypatch.setattr(elearn_db, "SQLITE_BUSY_SECONDS", 1)
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def _queue_held(engine) -> bool:
    return queue_for(engine.url.database, 1)._threads.locked()


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_write_transaction_holds_the_queue_until_it_ends(sqlite_engine, end):
    app = Flask(__name__)
    with app.test_request_context("/", method="POST"):
        conn = sqlite_engine.connect()
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _queue_held(sqlite_engine)
        getattr(conn, end)()
        assert not _queue_held(sqlite_engine)
        conn.close()


def test_reads_and_work_outside_requests_do_not_queue(sqlite_engine):
    with sqlite_engine.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert not _queue_held(sqlite_engine)
        conn.commit()
    app = Flask(__name__)
    with app.test_request_context("/", method="GET"), sqlite_engine.connect() as conn:
        conn.execute(text("SELECT x FROM t")).all()
        assert not _queue_held(sqlite_engine)


def test_a_failed_begin_leaves_the_queue(sqlite_engine):
    holder = sqlite3.connect(sqlite_engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program (the CLI, say) holds the write lock
    app = Flask(__name__)
    try:
        with app.test_request_context("/", method="POST"), sqlite_engine.connect() as conn:
            with pytest.raises(OperationalError, match="locked"):
                conn.execute(text("INSERT INTO t VALUES (1)"))
            assert not _queue_held(sqlite_engine)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_reads_first_view_begins_deferred_and_then_takes_the_lock():
    app = Flask(__name__)

    @app.post("/plain")
    def plain():
        return ""

    @app.post("/two-phase")
    @reads_first
    def two_phase():
        return ""

    @app.get("/page")
    def page():
        return ""

    takes = elearn_db._takes_write_lock
    with app.test_request_context("/plain", method="POST"):
        assert [takes(), takes()] == [True, True]
    with app.test_request_context("/two-phase", method="POST"):
        assert [takes(), takes(), takes()] == [False, True, True]
    with app.test_request_context("/page"):
        assert [takes(), takes()] == [False, False]
        begin_writes()  # a GET that writes, e.g. the lesson page's visit stamp: for its next transaction only
        assert [takes(), takes()] == [True, False]


def test_end_reads_ends_the_transaction_on_sqlite_only(engine):
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        end_reads(session)
        assert session.in_transaction() == (engine.dialect.name != "sqlite")


def test_a_read_then_one_statement_view_runs_without_transactions_on_postgresql(database_url):
    app = Flask(__name__)
    app.config["DATABASE_URL"] = database_url
    elearn_db.init_app(app)

    @app.post("/save")
    @reads_then_one_statement
    def save():
        return ""

    @app.post("/plain")
    def plain():
        return ""

    def in_transaction(session) -> bool:
        session.execute(text("SELECT 1"))
        return session.connection().connection.dbapi_connection.info.transaction_status != 0  # 0: idle

    postgres = database_url.startswith("postgresql")
    with app.test_request_context("/save", method="POST"):
        session = elearn_db.get_session()
        if postgres:  # the reads and the one write cost no BEGIN and no COMMIT
            assert not in_transaction(session)
        else:  # SQLite: a reads_first view (deferred reads, then the write lock)
            assert elearn_db._takes_write_lock() is False
        use_transactions(session)  # more than one statement follows: a transaction again
        if postgres:
            assert in_transaction(session)
        session.close()
    with app.test_request_context("/plain", method="POST"):
        session = elearn_db.get_session()
        if postgres:
            assert in_transaction(session)
        session.close()
    app.extensions["db_engine"].dispose()


def _terminate_pooled_connection(engine, database_url) -> int:
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    killer = make_engine(database_url)
    with killer.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    killer.dispose()
    time.sleep(0.3)
    return pid


def test_a_connection_that_died_while_idle_is_replaced_before_use(database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connections (SQLite has no server to lose)")
    monkeypatch.setattr(elearn_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    engine = make_engine(database_url)
    pid = _terminate_pooled_connection(engine, database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    engine.dispose()


def test_a_connection_that_died_in_use_fails_once_then_the_pool_is_renewed(database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connections (SQLite has no server to lose)")
    monkeypatch.setattr(elearn_db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    engine = make_engine(database_url)
    _terminate_pooled_connection(engine, database_url)
    with pytest.raises(DBAPIError) as failure, engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    assert failure.value.connection_invalidated  # create_app answers 503 with Retry-After for these
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()
