"""`flask --app app targets ...`: the figures report, the daily snapshot and the standing rebuild."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.orgs.models import OrgUnit
from elearn.orgs.services import find_unit_by_code
from elearn.targets import dashboard, standing
from elearn.web import today


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def register(app: Flask) -> None:
    group = AppGroup("targets", help="Chỉ tiêu đào tạo: báo cáo số liệu và ảnh chụp hằng ngày.")

    @group.command("report")
    @click.option("--unit", "unit_code", default=None, help="Mã đơn vị (mặc định: đơn vị cao nhất).")
    @click.option("--user", "email", default=None, help="Báo cáo trong phạm vi của tài khoản này.")
    @click.option("--json", "as_json", is_flag=True, help="In JSON.")
    def report_command(unit_code: str | None, email: str | None, as_json: bool) -> None:
        """Numerator, denominator and percentage of each target at the unit and each child unit."""
        db = get_session()
        actor = None
        if email:
            actor = db.scalar(select(User).where(User.email == email.strip().lower()))
            if actor is None:
                raise click.ClickException(f"Không có tài khoản {email}.")
        if unit_code:
            unit = find_unit_by_code(db, unit_code)
        else:
            unit = db.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id)).first()
        if unit is None:
            raise click.ClickException("Không tìm thấy đơn vị.")
        try:
            data = dashboard.report(db, actor, unit, today())
        except DomainError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        click.echo(f"{unit.name} ({unit.code}), ngày {today():%d/%m/%Y}")
        for t in data["targets"]:
            click.echo(f"\n{t['name']}: {t['numerator']}/{t['denominator']} ({_pct(t['percent'])})")
            for c in t["children"]:
                click.echo(
                    f"  {c['code']:<14} {c['numerator']:>6}/{c['denominator']:<6} {_pct(c['percent'])}"
                )

    @group.command("snapshot")
    def snapshot_command() -> None:
        """Stores today's figures of every target (run daily; running twice a day replaces them), after
        rebuilding every officer's standing as of today."""
        db = get_session()
        standing.refresh(db, None, today())
        written = dashboard.write_snapshots(db, today())
        db.commit()
        click.echo(f"Đã ghi {written} số liệu ngày {today():%d/%m/%Y}.")

    @group.command("refresh-standing")
    def refresh_standing_command() -> None:
        """Rebuilds every officer's certificate standing as of today (after a bulk load of certificates;
        `snapshot` does it daily)."""
        db = get_session()
        standing.refresh(db, None, today())
        db.commit()
        click.echo(f"Đã cập nhật tình trạng chứng chỉ của cán bộ, ngày {today():%d/%m/%Y}.")

    app.cli.add_command(group)
