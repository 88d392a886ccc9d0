"""Safe reading of uploaded spreadsheets and text files (shared by every importer)."""

from __future__ import annotations

import calendar
import csv
import io
import re
import unicodedata
import zipfile
from datetime import date, datetime

from elearn.errors import ImportFailed, RowError

MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


def file_error(message: str) -> ImportFailed:
    return ImportFailed([RowError(0, message)])  # about the whole file: shown without a line number


# How to fix a file that is not UTF-8, by the kind of file the importer expected.
RESAVE_CSV = "Hãy lưu lại tệp với bảng mã UTF-8 (trong Excel: Lưu thành… → CSV UTF-8) rồi tải lên lại."
RESAVE_TEXT = "Hãy lưu tệp với bảng mã UTF-8 (trong Notepad: Lưu thành… → Mã hóa UTF-8) rồi tải lên lại."


def decode_text(data: bytes, resave: str = RESAVE_CSV) -> str:
    """UTF-8 (with or without BOM) only: a wrong guess would silently corrupt Vietnamese names. NFC text.

    UTF-16 (Excel's "Unicode text") decodes as UTF-8 without error when it is mostly ASCII, so NUL
    characters are refused too. `resave` tells the user how to fix the file (CSV or plain text)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [RowError(line, f"Tệp không phải UTF-8 (byte 0x{data[exc.start]:02X} không hợp lệ). {resave}")]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFailed(
            [RowError(line, f"Tệp không phải UTF-8 (có ký tự NUL, có thể là UTF-16). {resave}")]
        )
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


def check_xlsx(data: bytes, max_uncompressed: int = MAX_XLSX_UNCOMPRESSED) -> None:
    """Refuses files that are not XLSX or that would inflate far beyond their size (zip bombs)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise file_error("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.") from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if "[Content_Types].xml" not in {i.filename for i in infos}:
            raise file_error("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.")
        if total > max_uncompressed or total / packed > MAX_COMPRESSION_RATIO:
            raise file_error("Tệp bảng tính quá lớn khi giải nén hoặc có cấu trúc bất thường; không thể đọc.")


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """Rows of the first sheet (XLSX) or of a CSV file as (row number, cell values), header included."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    if name.endswith(".csv"):
        return _csv_rows(data)
    raise file_error("Chỉ nhận tệp .xlsx hoặc .csv.")


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    import openpyxl  # imported lazily: it is heavy and only importers need it

    check_xlsx(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files
        raise file_error("Không đọc được tệp bảng tính; tệp có thể bị hỏng.") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if any(c not in (None, "") for c in cells):
                rows.append((number, cells))
        return rows
    finally:
        wb.close()


def _cell(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    if isinstance(value, datetime):
        return value.date()
    return value


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    text = decode_text(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [v.strip() for v in values]
        if any(cells):
            rows.append((number, cells))
    return rows


class BadDate(ValueError):
    """A date cell that cannot be read; `reason` says why, in Vietnamese, to follow the column's name."""

    def __init__(self, text: str, reason: str):
        super().__init__(text)
        self.text = text
        self.reason = reason


_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(value) -> date | None:
    """A date cell or dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd); '' is None.

    Raises BadDate: "31/02/1985" is in the right shape but does not exist, which the user must be told
    apart from a cell that is not a date at all."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if found := _DMY.fullmatch(text):
        day, month, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
    elif found := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in found.groups())
    else:
        raise BadDate(text, f"“{text}” không đúng dạng dd/mm/yyyy.")
    try:
        return date(year, month, day)
    except ValueError:
        raise BadDate(text, f"{text} không tồn tại ({_why_not(day, month, year)}).") from None


def _why_not(day: int, month: int, year: int) -> str:
    if not 1 <= month <= 12:
        return f"không có tháng {month}"
    if year < 1:
        return "năm phải từ 1 trở đi"
    last = calendar.monthrange(year, month)[1]
    return f"tháng {month:02d}/{year} chỉ có {last} ngày" if day else "không có ngày 0"


def fold(text: str) -> str:
    """Case- and spacing-insensitive key for matching headers and names (diacritics kept)."""
    return " ".join(unicodedata.normalize("NFC", str(text)).replace("*", " ").lower().split())
