"""Turning uploaded bytes into text, refusing what we must not guess at."""

from __future__ import annotations

import re

from elearn.errors import ImportFailed, RowError
from elearn.uploads import RESAVE_TEXT, decode_text

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
    return decode_text(data, resave=RESAVE_TEXT)


_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def check_xml_encoding(data: bytes) -> None:
    """A Moodle XML file that declares UTF-8 (or nothing, which means UTF-8) must be UTF-8.

    The XML parser would only say "not well-formed (invalid token)"; this names the line and the fix. Files
    that declare another encoding, or start with a UTF-16 byte order mark, are left to the parser."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:200])
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        decode_text(data, resave=RESAVE_TEXT)
