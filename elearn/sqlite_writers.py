"""A queue for the write transactions of one SQLite database, across the threads and processes of the app.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps 1, 2, 5, 10 ... ms
between tries, so the lock sits idle while writers sleep and a writer that keeps losing waits for seconds.
Here a request's write transaction (BEGIN IMMEDIATE, see elearn.db) first takes a thread lock in its process
and then an advisory lock on a file beside the database (flock: the kernel wakes the next waiter at once and
drops the lock of a process that dies). Writers from elsewhere (the CLI, a backup) do not queue here and
still meet SQLite's busy timeout. The thread lock gives up after the busy timeout; the file lock has no time
limit, but only a process inside a write transaction holds it, and SQLite would make every writer wait for
that transaction anyway.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading


class WriterQueue:
    def __init__(self, database_path: str, timeout: float) -> None:
        self.path = database_path + "-writers"
        self.timeout = timeout
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None

    def acquire(self) -> None:
        if not self._threads.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked (write queue)")
        try:
            if self._pid != os.getpid():  # first use in this process (gunicorn forks after import)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_QUEUES: dict[str, WriterQueue] = {}
_QUEUES_LOCK = threading.Lock()


def queue_for(database_path: str | None, timeout: float) -> WriterQueue | None:
    """One queue per database file and process; None for an in-memory database."""
    if not database_path or database_path == ":memory:":
        return None
    path = os.path.abspath(database_path)
    with _QUEUES_LOCK:
        return _QUEUES.setdefault(path, WriterQueue(path, timeout))


class QueuedConnection(sqlite3.Connection):
    """A pysqlite connection (the `factory` of sqlite3.connect) that leaves the queue when its transaction
    ends: after COMMIT or ROLLBACK, or when it is closed."""

    writer_queue: WriterQueue | None = None
    _in_queue = False

    def enter_queue(self) -> None:
        if self.writer_queue is not None and not self._in_queue:
            self.writer_queue.acquire()
            self._in_queue = True

    def leave_queue(self) -> None:
        if self._in_queue:
            self._in_queue = False
            self.writer_queue.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_queue()
