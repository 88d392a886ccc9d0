"""Certificate PDF rendering, checked with poppler (pdffonts, pdftotext, pdftoppm) and zbar (zbarimg)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from elearn.certificates.design import DEFAULT_DESIGN, load_design
from elearn.certificates.pdf import MissingGlyph, fit_text, render_certificate
from elearn.certificates.qr import encode_url
from elearn.certificates.tokens import build_verify_url, generate_keypair, sign_record
from elearn.errors import DomainError, ValidationError
from tests.certificates.factories import BASE_URL, HOLDER, make_fields, make_record

LONG_NAME = "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Như"


def run_tool(name: str, *args: str) -> str:
    """Run a poppler/zbar command; fail loudly (never skip) when it is not installed."""
    if shutil.which(name) is None:
        pytest.fail(f"`{name}` is not installed: apt-get install poppler-utils zbar-tools (CI installs them)")
    done = subprocess.run([name, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{name} failed: {done.stderr}"
    return done.stdout


def write_pdf(tmp_path: Path, pdf: bytes, name: str = "certificate.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return str(path)


def pdf_text(tmp_path: Path, pdf: bytes) -> str:
    return run_tool("pdftotext", "-enc", "UTF-8", write_pdf(tmp_path, pdf), "-")


def signed_url(holder_name: str = HOLDER) -> str:
    private_key, _ = generate_keypair()
    return build_verify_url(BASE_URL, sign_record(make_record(holder_name=holder_name), private_key, "2026a"))


def test_text_layer_has_holder_name_exactly(tmp_path):
    text = pdf_text(tmp_path, render_certificate(make_fields(), None))

    assert "Nguyễn Thị Thanh Tùng" in text
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CHỨNG CHỈ",
        "Số: HN-2026-000123",
        "12/03/1985",
        "Hà Nội, ngày 22 tháng 11 năm 2026",
        "40 giờ",
    ):
        assert expected in text


def test_decomposed_input_renders_like_nfc(tmp_path):
    nfc = make_fields()
    nfd = make_fields(
        **{
            name: unicodedata.normalize("NFD", getattr(nfc, name))
            for name in (
                "holder_name",
                "course_title",
                "type_name",
                "place",
                "issuing_unit",
                "signer_name",
                "signer_title",
                "result",
            )
        }
    )
    assert nfd.holder_name != nfc.holder_name  # the test input really is decomposed

    pdf_nfc, pdf_nfd = render_certificate(nfc, None), render_certificate(nfd, None)

    assert pdf_text(tmp_path, pdf_nfd) == pdf_text(tmp_path, pdf_nfc)
    assert pdf_nfd == pdf_nfc


@pytest.mark.parametrize(
    ("field", "value", "char"),
    [
        ("holder_name", "Nguyễn Văn 王", "王"),
        ("course_title", "Kỹ năng số 🎓", "🎓"),
        ("place", "Hà Nội\u200b", "\u200b"),
    ],
)
def test_character_missing_from_font_is_refused(field, value, char):
    with pytest.raises(MissingGlyph) as caught:
        render_certificate(make_fields(**{field: value}), None)

    assert isinstance(caught.value, DomainError)
    assert caught.value.field == field and caught.value.char == char
    assert char in caught.value.message and f"U+{ord(char):04X}" in caught.value.message


def test_fonts_are_embedded_subsets(tmp_path):
    output = run_tool("pdffonts", write_pdf(tmp_path, render_certificate(make_fields(), signed_url())))
    fonts = output.splitlines()[2:]

    assert len(fonts) == 3
    for line in fonts:
        name, *_, emb, sub, uni, _obj, _gen = line.split()
        assert "NotoSerif" in name
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


@pytest.mark.parametrize("holder_name", [HOLDER, LONG_NAME])
def test_qr_code_scans_to_the_verify_url(tmp_path, holder_name):
    url = signed_url(holder_name)
    pdf = write_pdf(tmp_path, render_certificate(make_fields(holder_name=holder_name), url))
    run_tool("pdftoppm", "-r", "150", "-png", "-singlefile", pdf, str(tmp_path / "page"))

    decoded = run_tool("zbarimg", "--raw", "-q", str(tmp_path / "page.png"))

    assert decoded.rstrip("\n") == url


def test_qr_code_is_at_least_30_mm_wide():
    design = load_design()
    assert design.qr_size >= 30 * 72 / 25.4


def test_output_is_deterministic():
    url = signed_url()
    first = render_certificate(make_fields(), url)
    render_certificate(make_fields(holder_name="Lê Văn Lực", serial="HN-2026-000999"), url)

    assert render_certificate(make_fields(), url) == first


def test_place_date_uses_administrative_style(tmp_path):
    fields = make_fields(issue_date=date(2027, 2, 5), expiry_date=date(2032, 2, 4), hours=7.5)
    text = pdf_text(tmp_path, render_certificate(fields, None))

    assert "Hà Nội, ngày 05 tháng 02 năm 2027" in text
    assert "04/02/2032" in text
    assert "7,5 giờ" in text


def test_missing_optional_fields_leave_out_their_rows(tmp_path):
    text = pdf_text(tmp_path, render_certificate(make_fields(class_code=None, hours=None, result=None), None))

    assert "Lớp:" not in text and "Thời lượng:" not in text and "Kết quả:" not in text
    assert "Có giá trị đến:" not in text
    assert "Ngày sinh:" in text


def test_long_name_shrinks_to_fit_its_box(tmp_path):
    name = "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Như Nguyễn Ngọc Bảo Trân"
    row = next(row for row in load_design().rows if row.field == "holder_name")

    size, lines = fit_text(name, row.value_style, "holder_name")

    assert lines == [name]
    assert size < row.value_style.size
    assert row.value_style.font.stringWidth(name, size) <= row.value_style.width
    assert name in pdf_text(tmp_path, render_certificate(make_fields(holder_name=name), None))


def test_long_course_title_wraps(tmp_path):
    title = (
        "Bồi dưỡng kỹ năng thương lượng tập thể, đối thoại tại nơi làm việc và giải quyết tranh chấp lao "
        "động tập thể cho cán bộ công đoàn cơ sở"
    )
    row = next(row for row in load_design().rows if row.field == "course_title")

    size, lines = fit_text(title, row.value_style, "course_title")

    assert len(lines) == 2 and " ".join(lines) == title
    assert all(row.value_style.font.stringWidth(line, size) <= row.value_style.width for line in lines)


def test_name_too_long_for_any_size_is_refused():
    with pytest.raises(ValidationError, match="Họ và tên"):
        render_certificate(make_fields(holder_name="Nguyễn " * 40), None)


def test_blank_required_field_is_refused():
    with pytest.raises(ValidationError, match="Người ký"):
        render_certificate(make_fields(signer_name="  \n "), None)


def test_qr_version_for_long_name_stays_small():
    assert encode_url(signed_url()).version <= 10
    assert encode_url(signed_url(LONG_NAME)).version <= 11


def copy_design(tmp_path: Path, old: str, new: str) -> Path:
    source = DEFAULT_DESIGN
    (tmp_path / "fonts").symlink_to(source.parent / "fonts")
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "design.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_design_with_small_qr_code_is_refused(tmp_path):
    with pytest.raises(ValueError, match="30 mm"):
        load_design(copy_design(tmp_path, "size: 32\n", "size: 29\n"))


def test_design_file_can_be_passed_by_path(tmp_path):
    path = copy_design(tmp_path, '"Ngày sinh:"', '"Sinh ngày:"')

    text = pdf_text(tmp_path, render_certificate(make_fields(), None, design=path))

    assert "Sinh ngày:" in text and "Ngày sinh:" not in text


def test_design_label_without_glyph_is_refused(tmp_path):
    with pytest.raises(ValueError, match="glyph"):
        load_design(copy_design(tmp_path, '"Ngày sinh:"', '"Ngày sinh 🎂:"'))
