"""Domain errors raised by services and mapped to HTTP responses in one place (see elearn/__init__.py).

Every message is Vietnamese because it reaches users as it is.
"""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base for errors a user can cause; `message` is shown to the user (Vietnamese)."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này."):
        super().__init__(message)


class Conflict(DomainError):
    status_code = 409


class ValidationError(DomainError):
    status_code = 422


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: `line` is the 1-based line (text) or row (spreadsheet)."""

    line: int
    message: str
    source: str | None = None  # file name, when an import spans several files

    def __str__(self) -> str:
        where = f"{self.source}, " if self.source else ""
        if self.line <= 0:  # the file as a whole
            return f"{where or 'Tệp: '}{self.message}"
        return f"{where}dòng {self.line}: {self.message}"


class ImportFailed(DomainError):
    """An import found errors; nothing was written. Carries every error, not only the first."""

    status_code = 422

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__(f"Tệp có {len(self.errors)} lỗi; chưa ghi dữ liệu nào.")
