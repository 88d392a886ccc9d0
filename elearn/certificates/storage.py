"""Issued PDFs on disk: instance/certificates/<year>/<serial>.pdf, written atomically, never rewritten.

A file written during a transaction is remembered on the session; if that transaction rolls back, the file is
removed, so there is never a PDF without its row (and the service never keeps a row without its PDF).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from elearn.errors import NotFound

_SERIAL = re.compile(r"[A-Z0-9]{1,10}-\d{4}-\d{6}")
_PENDING = "certificate_files_pending"


def relative_path(serial: str, year: int) -> str:
    if not _SERIAL.fullmatch(serial):
        raise ValueError(f"not a serial: {serial!r}")
    return f"certificates/{year:04d}/{serial}.pdf"


def write_pdf(session: Session, instance_path: str | Path, rel_path: str, pdf: bytes) -> str:
    """Write temp + fsync + rename; return the sha256. The file is removed if the session rolls back."""
    path = Path(instance_path) / rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        remove(tmp)  # a full or failing disk keeps no half-written file behind
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)
    session.info.setdefault(_PENDING, []).append(path)
    return hashlib.sha256(pdf).hexdigest()


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def read_pdf(instance_path: str | Path, rel_path: str, sha256: str | None = None) -> bytes:
    path = Path(instance_path) / rel_path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound("Không tìm thấy tệp PDF của chứng chỉ trên máy chủ.") from None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise NotFound("Tệp PDF của chứng chỉ trên máy chủ đã bị thay đổi; hãy báo quản trị hệ thống.")
    return data


@event.listens_for(Session, "after_commit")
def _forget_written(session: Session) -> None:
    if (
        session.get_nested_transaction() is not None
    ):  # a savepoint was released; the transaction may roll back
        return
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_written(session: Session, previous_transaction) -> None:
    # A savepoint rolling back (bulk issuing skips one officer) leaves the other files of the transaction.
    if previous_transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING, []):
        remove(path)
