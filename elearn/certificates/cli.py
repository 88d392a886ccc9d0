"""`flask --app app keys ...` and `flask --app app certificates ...`: the same services as the web pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from elearn.certificates import issuing, keys, lifecycle
from elearn.certificates.issuing import BulkResult, Issuer
from elearn.certificates.models import CertificateType
from elearn.certificates.tokens import InvalidToken, extract_token, parse_and_verify, public_keys_from_json
from elearn.classes.models import TrainingClass
from elearn.db import get_session, utcnow
from elearn.errors import DomainError
from elearn.officers.models import Officer
from elearn.web import today


def _issuer() -> Issuer:
    return Issuer(current_app.instance_path, current_app.config["PUBLIC_BASE_URL"], today(), utcnow())


def _fail(message: str, code: int = 1):
    click.echo(message, err=True)
    sys.exit(code)


def read_qr_from_pdf(path: Path) -> str:
    """Rasterise the first page with pdftoppm and decode the QR code with zbarimg (Debian tools)."""
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            raise click.ClickException(f"Thiếu công cụ {tool} (apt-get install poppler-utils zbar-tools).")
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1", str(path), str(png)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{png}.png"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    if done.returncode != 0 or not done.stdout.strip():
        raise click.ClickException("Không đọc được mã QR trong tệp PDF.")
    return done.stdout.strip().splitlines()[0]


def _load_keys(source: str | None) -> dict[str, bytes]:
    if source is None:
        return keys.load_public_keys(get_session())
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(source, timeout=20) as response:  # noqa: S310 (http(s) only)
            document = json.load(response)
    else:
        document = json.loads(Path(source).read_text(encoding="utf-8"))
    return public_keys_from_json(document)


def _print_bulk(result: BulkResult) -> None:
    click.echo(result.summary())
    for name, reasons in result.skipped:
        click.echo(f"  - {name}: {'; '.join(reasons)}")
    for name, message in result.failed:
        click.echo(f"  - {name}: {message}")


def register(app: Flask) -> None:
    @app.cli.group("keys", help="Khóa ký chứng chỉ (Ed25519).")
    def keys_group():
        pass

    @keys_group.command("rotate", help="Tạo khóa ký mới; khóa cũ thôi ký nhưng vẫn dùng để xác thực.")
    def keys_rotate():
        session = get_session()
        key = keys.create_key(session, current_app.instance_path, utcnow())
        session.commit()
        click.echo(f"Đã tạo khóa {key.kid}; chứng chỉ cấp từ nay được ký bằng khóa này.")

    @keys_group.command("list", help="Liệt kê các khóa ký.")
    def keys_list():
        for key in keys.list_keys(get_session()):
            state = f"thôi ký từ {key.retired_at:%d/%m/%Y}" if key.retired_at else "đang ký"
            click.echo(f"{key.kid}\t{key.created_at:%d/%m/%Y}\t{state}\t{key.public_key}")

    @app.cli.group("certificates", help="Cấp, tra cứu, thu hồi và xác thực chứng chỉ.")
    def group():
        pass

    @group.command("issue", help="Cấp chứng chỉ cho cả lớp (--class) hoặc một cán bộ (--officer, --type).")
    @click.option("--class", "class_code", help="Mã lớp, VD: K.292")
    @click.option("--type", "type_code", help="Mã loại chứng chỉ (mặc định: loại của khóa học/chương trình)")
    @click.option("--officer", "officer_code", help="Mã cán bộ: cấp cho một người")
    def issue(class_code, type_code, officer_code):
        session = get_session()
        issuer = _issuer()
        training_class = None
        if class_code:
            training_class = session.scalar(select(TrainingClass).where(TrainingClass.code == class_code))
            if training_class is None:
                _fail(f"Không có lớp mã {class_code}.")
        ctype = (
            session.scalar(select(CertificateType).where(CertificateType.code == type_code))
            if type_code
            else None
        )
        if type_code and ctype is None:
            _fail(f"Không có loại chứng chỉ mã {type_code}.")
        try:
            if officer_code:
                officer = session.scalar(select(Officer).where(Officer.code == officer_code))
                if officer is None:
                    _fail(f"Không có cán bộ mã {officer_code}.")
                if ctype is None:
                    if training_class is None:
                        _fail("Hãy chọn --type hoặc --class.")
                    _, ctype, _ = issuing.class_plan(session, None, training_class.id, issuer)
                cert, created = issuing.issue(
                    session,
                    None,
                    type_id=ctype.id,
                    officer_id=officer.id,
                    class_id=training_class.id if training_class else None,
                    issuer=issuer,
                )
                session.commit()
                click.echo(
                    f"{'Đã cấp' if created else 'Đã có'} chứng chỉ {cert.serial} cho {cert.holder_name}."
                )
                return
            if training_class is None:
                _fail("Hãy chọn --class (cả lớp) hoặc --officer.")
            cls, ctype, statuses = issuing.class_plan(
                session, None, training_class.id, issuer, ctype.id if ctype else None
            )
            result = BulkResult()
            with click.progressbar(statuses, label=f"Lớp {cls.code}", show_pos=True) as bar:
                for status in bar:
                    issuing.issue_member(session, None, cls, ctype, status, issuer, result)
            session.commit()
        except DomainError as error:
            session.rollback()
            _fail(error.message)
        _print_bulk(result)

    @group.command("revoke", help="Thu hồi chứng chỉ (có ghi nhật ký).")
    @click.argument("serial")
    @click.option("--reason", required=True, help="Lý do thu hồi")
    def revoke(serial, reason):
        session = get_session()
        try:
            cert = lifecycle.revoke(session, None, serial, reason, utcnow())
        except DomainError as error:
            _fail(error.message)
        session.commit()
        click.echo(f"Đã thu hồi chứng chỉ {cert.serial}.")

    @group.command("list", help="Liệt kê chứng chỉ (số hiệu, người nhận, loại, trạng thái, ngày cấp, hạn).")
    @click.option("--json", "as_json", is_flag=True, help="In JSON")
    @click.option("--status", type=click.Choice(["valid", "revoked", "expired"]), help="Lọc theo trạng thái")
    def list_(as_json, status):
        day = today()
        certs = lifecycle.list_certificates(
            get_session(), None, lifecycle.ListFilter(status=status or "", limit=10**9), day
        )
        rows = [
            {
                "serial": c.serial,
                "holder": c.holder_name,
                "type": c.type.code,
                "status": lifecycle.status_of(c.status, c.expiry_date, day),
                "issued": c.issue_date.isoformat(),
                "expires": c.expiry_date.isoformat() if c.expiry_date else None,
            }
            for c in reversed(certs)
        ]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            click.echo(
                "\t".join(
                    str(row[k] or "") for k in ("serial", "holder", "type", "status", "issued", "expires")
                )
            )

    @group.command("pdf", help="Chép tệp PDF đã lưu của chứng chỉ ra FILE.")
    @click.argument("serial")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
    def pdf(serial, output):
        try:
            name, data = lifecycle.pdf_bytes(get_session(), None, serial, current_app.instance_path)
        except DomainError as error:
            _fail(error.message)
        Path(output).write_bytes(data)
        click.echo(f"Đã ghi {output} ({len(data)} byte).")

    @group.command("verify", help="Kiểm tra chữ ký của mã (token, URL hoặc tệp PDF) bằng khóa công khai.")
    @click.argument("source")
    @click.option(
        "--keys", "keys_source", help="Tệp JSON hoặc URL khóa công khai (mặc định: khóa trong CSDL)"
    )
    def verify(source, keys_source):
        path = Path(source)
        try:
            is_file = path.is_file()
        except OSError:  # a token or URL longer than a file name may be
            is_file = False
        text = read_qr_from_pdf(path) if is_file else source
        try:
            record = parse_and_verify(extract_token(text), _load_keys(keys_source))
        except InvalidToken as error:
            _fail(f"KHÔNG HỢP LỆ: {error.message}")
        click.echo("Chữ ký hợp lệ.")
        click.echo(f"Số hiệu: {record.serial}")
        click.echo(f"Họ và tên: {record.holder_name}")
        click.echo(f"Ngày sinh: {record.date_of_birth:%d/%m/%Y}")
        click.echo(f"Loại chứng chỉ: {record.type_code}")
        click.echo(f"Ngày cấp: {record.issue_date:%d/%m/%Y}")
        click.echo(
            f"Có giá trị đến: {record.expiry_date:%d/%m/%Y}" if record.expiry_date else "Không thời hạn"
        )
        click.echo(f"Khóa ký: {record.key_id}")
