"""`flask --app app ...` commands of the quizzes feature.

`banks import` and `banks export` (question banks); the quiz commands live in quiz_cli.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask

from elearn.db import get_session
from elearn.errors import DomainError, ImportFailed
from elearn.quizzes import bank_import, banks, quiz_cli
from elearn.quizzes.formats.model import to_json


def register(app: Flask) -> None:
    quiz_cli.register(app)

    @app.cli.group("banks", help="Ngân hàng câu hỏi: nhập và xuất tệp GIFT, Moodle XML, Excel.")
    def banks_group():
        pass

    @banks_group.command("import", help="Nhập câu hỏi từ tệp vào một ngân hàng (tất cả hoặc không gì cả).")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--bank", "bank_code", required=True, help="Mã ngân hàng; chưa có thì tạo mới.")
    @click.option("--format", "fmt", type=click.Choice(list(bank_import.FORMATS)), default=None)
    @click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
    @click.option("--json", "as_json", is_flag=True, help="In các câu hỏi đã đọc dưới dạng JSON.")
    def banks_import(file: Path, bank_code: str, fmt: str | None, dry_run: bool, as_json: bool):
        session = get_session()
        bank = banks.find_bank(session, bank_code)
        try:
            if bank is None and not dry_run:
                code = bank_code.strip().upper()
                bank = banks.create_bank(session, None, code, code)
            report = bank_import.import_bank(
                session, None, bank, file.name, file.read_bytes(), fmt=fmt, dry_run=dry_run
            )
        except ImportFailed as exc:
            session.rollback()
            click.echo(f"{file.name}: {exc.message}", err=True)
            for error in exc.errors:
                click.echo(f"  {error}", err=True)
            sys.exit(1)
        except DomainError as exc:
            session.rollback()
            click.echo(exc.message, err=True)
            sys.exit(1)
        if as_json:
            questions = [to_json(p.parsed) for p in report.planned]
            click.echo(json.dumps(questions, ensure_ascii=False, indent=2))
        if dry_run:
            session.rollback()
            if not as_json:
                click.echo("Sẽ nhập " + report.summary())
            return
        session.commit()
        click.echo(f"Đã nhập vào {bank.code}: " + report.summary(), err=as_json)

    @banks_group.command("export", help="Xuất các câu hỏi (phiên bản hiện hành) của một ngân hàng.")
    @click.option("--bank", "bank_code", required=True)
    @click.option("--format", "fmt", type=click.Choice(["gift", "xml"]), required=True)
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def banks_export(bank_code: str, fmt: str, output: Path):
        session = get_session()
        bank = banks.find_bank(session, bank_code)
        if bank is None:
            click.echo(f"Không có ngân hàng câu hỏi mã {bank_code}.", err=True)
            sys.exit(2)
        body = bank_import.export_bank(session, None, bank, fmt)
        output.write_bytes(body)
        click.echo(f"Đã xuất {bank.code} ra {output}.")
