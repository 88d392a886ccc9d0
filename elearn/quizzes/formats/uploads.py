"""Turning uploaded bytes into text, refusing what we must not guess at."""

from __future__ import annotations

from elearn.errors import ImportFailed, RowError
from elearn.uploads import decode_text

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# RowError.line 0 means "the file as a whole".
FILE_LEVEL = 0


def size_error(size: int, max_bytes: int) -> ImportFailed:
    return ImportFailed(
        [
            RowError(
                FILE_LEVEL,
                f"Tệp quá lớn ({_mb(size)}); giới hạn là {_mb(max_bytes)}. Hãy chia thành nhiều tệp nhỏ hơn.",
            )
        ]
    )


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def decode_upload(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """UTF-8 text (a leading BOM is dropped, NFC-normalised), or ImportFailed. Never guesses."""
    if len(data) > max_bytes:
        raise size_error(len(data), max_bytes)
    return decode_text(data)
