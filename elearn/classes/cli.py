"""`flask --app app classes ...` commands of the classes feature (trusted: no actor checks)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from elearn.classes.completion import class_statuses
from elearn.classes.models import TrainingClass
from elearn.db import get_session

group = AppGroup("classes", help="Lớp học: tình trạng hoàn thành của học viên.")


@group.command("status")
@click.argument("code")
def status(code: str) -> None:
    """Prints each member's status against the class's completion rule (tab-separated)."""
    db = get_session()
    training_class = db.scalar(select(TrainingClass).where(TrainingClass.code == code.strip().upper()))
    if training_class is None:
        raise click.ClickException(f"Không có lớp {code}.")
    rows = class_statuses(db, training_class)
    for st in rows:
        click.echo(
            f"{st.code}\t{st.full_name}\t{st.modules_done}/{st.modules_total}\t"
            f"{st.attendance_percent}%\t{'Hoàn thành' if st.completed else '; '.join(st.missing)}"
        )
    click.echo(f"Hoàn thành: {sum(st.completed for st in rows)}/{len(rows)}", err=True)


def register(app: Flask) -> None:
    app.cli.add_command(group)
