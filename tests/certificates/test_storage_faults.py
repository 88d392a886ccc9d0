"""The PDF store failing mid-write: no half-written file and no certificate row are left behind."""

from __future__ import annotations

import os

import pytest

from elearn.certificates import storage


def test_a_failed_write_leaves_no_temporary_file(db, tmp_path, monkeypatch):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        storage.write_pdf(db, tmp_path, "certificates/2026/HN-2026-000001.pdf", b"%PDF-1.4 ...")
    assert list((tmp_path / "certificates" / "2026").iterdir()) == []
