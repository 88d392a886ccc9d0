"""Command-line interface: `flask --app app <command>`. Commands reuse the services and commit once."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from elearn import migrations
from elearn.db import get_session
from elearn.errors import DomainError, ImportFailed


def _url() -> str:
    return current_app.config["DATABASE_URL"]


def register_cli(app: Flask) -> None:
    from elearn.seed_context import FEATURES

    for feature in FEATURES:
        importlib.import_module(f"elearn.{feature}.cli").register(app)

    @app.cli.group("db", help="Lược đồ cơ sở dữ liệu (Alembic).")
    def db_group():
        pass

    @db_group.command("upgrade", help="Áp dụng các migration tới phiên bản mới nhất.")
    @click.argument("revision", default="head")
    def db_upgrade(revision):
        migrations.upgrade(_url(), revision)
        click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")

    @db_group.command("downgrade", help="Lùi migration về một phiên bản.")
    @click.argument("revision")
    def db_downgrade(revision):
        migrations.downgrade(_url(), revision)

    @db_group.command("revision", help="Tạo migration mới từ thay đổi của model.")
    @click.option("-m", "--message", required=True)
    def db_revision(message):
        migrations.revision(_url(), message)

    @db_group.command("current")
    def db_current():
        migrations.current(_url())

    @app.cli.command("seed-demo", help="Nạp dữ liệu mẫu (chỉ khi cơ sở dữ liệu còn trống).")
    @click.option("--if-empty/--force", default=True, help="Bỏ qua nếu đã có dữ liệu (mặc định).")
    def seed_demo(if_empty):
        from elearn.seed import seed_demo as run

        session = get_session()
        created = run(session, only_if_empty=if_empty)
        session.commit()
        click.echo("Đã nạp dữ liệu mẫu." if created else "Đã có dữ liệu; không nạp lại dữ liệu mẫu.")

    @app.cli.command(
        "backup", help="Sao lưu cơ sở dữ liệu (SQLite: bản sao trực tuyến; PostgreSQL: hướng dẫn pg_dump)."
    )
    @click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
    def backup(output_dir):
        from elearn.ops import backup_sqlite, pg_dump_instructions

        if not _url().startswith("sqlite"):
            click.echo(pg_dump_instructions(_url()))
            return
        target = backup_sqlite(_url(), output_dir or Path(current_app.instance_path) / "backups")
        click.echo(f"Đã sao lưu vào {target} ({target.stat().st_size // 1024} KB).")

    @app.cli.command("restore", help="Khôi phục cơ sở dữ liệu SQLite từ một bản sao lưu.")
    @click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.confirmation_option(prompt="Dữ liệu hiện tại sẽ bị thay thế. Tiếp tục?")
    def restore(backup_file):
        from elearn.ops import restore_sqlite

        if not _url().startswith("sqlite"):
            click.echo("Với PostgreSQL hãy dùng pg_restore (xem: flask --app app backup).", err=True)
            sys.exit(2)
        try:
            restore_sqlite(_url(), backup_file)
        except ValueError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo(f"Đã khôi phục từ {backup_file}.")

    @app.cli.command("demo-logins", help="In các tài khoản mẫu.")
    def demo_logins():
        from elearn.seed import demo_logins as logins

        click.echo("  Tài khoản mẫu (mật khẩu):")
        for email, password, label in logins():
            click.echo(f"    {email:<18} {password:<11} {label}")

    @app.cli.group("officers", help="Danh sách cán bộ công đoàn.")
    def officers_group():
        pass

    @officers_group.command("import", help="Nhập cán bộ từ tệp XLSX/CSV vào một đơn vị.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--unit", "unit_code", required=True, help="Mã đơn vị (cây con của nó).")
    @click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
    def officers_import(file: Path, unit_code: str, dry_run: bool):
        from elearn.officers.importer import import_officers
        from elearn.orgs.services import find_unit_by_code

        session = get_session()
        unit = find_unit_by_code(session, unit_code)
        if unit is None:
            click.echo(f"Không có đơn vị mã {unit_code}.", err=True)
            sys.exit(2)
        try:
            summary = import_officers(session, None, unit, file.name, file.read_bytes(), dry_run=dry_run)
        except ImportFailed as exc:
            session.rollback()
            click.echo(f"{file.name}: {exc.message}", err=True)
            for error in exc.errors:
                click.echo(f"  {error}", err=True)
            sys.exit(1)
        if not dry_run:
            session.commit()
        verb = "Sẽ" if dry_run else "Đã"
        click.echo(
            f"{verb} nhập {summary.rows} dòng: thêm {summary.officers_created} cán bộ, "
            f"cập nhật {summary.officers_updated} cán bộ, thêm {summary.positions_created} chức vụ, "
            f"cập nhật {summary.positions_updated} chức vụ, {summary.unchanged} dòng không đổi."
        )

    @app.cli.group("users", help="Tài khoản người dùng.")
    def users_group():
        pass

    @users_group.command("create", help="Tạo tài khoản (ví dụ quản trị viên đầu tiên khi triển khai).")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--role", type=click.Choice(["officer", "trainer", "staff", "admin"]), default="admin")
    @click.option("--unit", "unit_code", default=None)
    @click.password_option()
    def users_create(email, full_name, role, unit_code, password):
        from elearn.accounts.models import Role
        from elearn.accounts.services import create_user
        from elearn.orgs.services import find_unit_by_code

        session = get_session()
        unit = find_unit_by_code(session, unit_code) if unit_code else None
        try:
            create_user(
                session,
                None,
                email=email,
                full_name=full_name,
                role=Role(role),
                password=password,
                unit_id=unit.id if unit else None,
                must_change_password=False,
            )
        except DomainError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        session.commit()
        click.echo(f"Đã tạo tài khoản {email}.")
