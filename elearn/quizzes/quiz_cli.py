"""`flask --app app quizzes ...` commands of the quiz part: the sweep that closes expired attempts.

elearn/quizzes/cli.py calls `register(app)` (or adds `quizzes_cli` to its own group)."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from elearn.db import get_session, utcnow
from elearn.quizzes.attempts import close_expired

quizzes_cli = AppGroup("quizzes", help="Bài kiểm tra: đóng các lần làm đã hết giờ.")


@quizzes_cli.command("close-expired")
@click.option("--batch", default=500, show_default=True, help="Số lần làm xử lý mỗi đợt.")
def close_expired_command(batch: int) -> None:
    """Submits every attempt whose time (and grace) ran out, with the answers saved so far."""
    db = get_session()
    total = 0
    while True:
        closed = close_expired(db, utcnow(), limit=batch)
        db.commit()
        total += closed
        if closed < batch:
            break
    click.echo(json.dumps({"closed": total}))


def register(app: Flask) -> None:
    if "quizzes" not in app.cli.commands:
        app.cli.add_command(quizzes_cli)
    else:  # the bank commands' group exists already: add ours to it
        app.cli.commands["quizzes"].add_command(close_expired_command)
