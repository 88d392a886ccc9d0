"""`flask --app app content import courses/`: course content from files, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from elearn.db import get_session
from elearn.errors import ImportFailed


def register(app: Flask) -> None:
    @app.cli.group("content", help="Nội dung chuyên đề dạng tệp (YAML + Markdown).")
    def content_group():
        pass

    @content_group.command("import", help="Tạo hoặc cập nhật chuyên đề, chương trình từ thư mục courses/.")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def content_import(folder: Path):
        from elearn.courses.importer import import_content

        session = get_session()
        try:
            summary = import_content(session, folder)
        except ImportFailed as exc:
            session.rollback()
            click.echo(f"{folder}: {exc.message}", err=True)
            for error in exc.errors:
                click.echo(f"  {error}", err=True)
            sys.exit(1)
        session.commit()
        click.echo(
            f"Chuyên đề: thêm {len(summary.created)}, cập nhật {len(summary.updated)}, "
            f"không đổi {len(summary.unchanged)}. Chương trình: thêm {len(summary.programmes_created)}, "
            f"cập nhật {len(summary.programmes_updated)}."
        )
        for code in summary.updated:
            click.echo(f"  cập nhật {code}")
