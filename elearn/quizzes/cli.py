"""`flask --app app ...` commands of the quizzes feature."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """No commands yet."""
