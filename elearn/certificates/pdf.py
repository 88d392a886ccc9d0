"""Certificate PDF: one A4-landscape page laid out by a Design (elearn.certificates.design), font embedded.

Every string is NFC-normalised and every character checked against the font's character map before
drawing, so a certificate never shows a blank box. Output is deterministic (reportlab invariant mode), so a
stored PDF can be compared with a fresh rendering of the same fields.

Speed (see bench/certificates.py): the design, its fonts and its static frame are parsed and built once per
process (elearn.certificates.design), and the QR code comes from elearn.certificates.qr (a faster, identical
encoder) as run-merged rectangles in a compressed form XObject.
"""

from __future__ import annotations

import io
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from elearn.certificates.design import DEFAULT_DESIGN, Design, TextStyle, load_design, unprintable_char
from elearn.certificates.qr import encode_url
from elearn.errors import DomainError, ValidationError

# Names of the caller's fields as users know them, for error messages.
FIELD_LABELS = {
    "serial": "Số hiệu",
    "holder_name": "Họ và tên",
    "type_name": "Loại chứng chỉ",
    "course_title": "Khóa học/chương trình",
    "class_code": "Mã lớp",
    "hours": "Thời lượng",
    "result": "Kết quả",
    "place": "Nơi cấp",
    "issuing_unit": "Đơn vị cấp",
    "signer_name": "Người ký",
    "signer_title": "Chức vụ người ký",
}


class MissingGlyph(DomainError):
    status_code = 422

    def __init__(self, field: str, char: str):
        label = FIELD_LABELS.get(field, field)
        super().__init__(
            f"Ký tự «{char}» (U+{ord(char):04X}) trong mục «{label}» không in được trên chứng chỉ (phông chữ "
            "không có ký tự này hoặc đây là ký tự ẩn); hãy sửa lại nội dung mục này."
        )
        self.field = field
        self.char = char


@dataclass(frozen=True)
class CertificateFields:
    serial: str
    holder_name: str
    date_of_birth: date
    type_name: str
    course_title: str
    class_code: str | None
    hours: int | float | Decimal | None
    result: str | None
    issue_date: date
    expiry_date: date | None
    place: str
    issuing_unit: str
    signer_name: str
    signer_title: str


def render_certificate(
    fields: CertificateFields, verify_url: str | None, design: Design | Path | str | None = None
) -> bytes:
    """Render one certificate; `verify_url` goes in the QR code (None: no QR code and no caption).

    `design` is a Design, a design file path, or None for certificates/design.yaml. Raises MissingGlyph for
    a character the font cannot print and ValidationError for a blank required field or a text too long.
    """
    if not isinstance(design, Design):
        design = load_design(Path(design) if design else DEFAULT_DESIGN)
    values = _field_values(fields, design)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(design.width, design.height),
        invariant=1,  # fixed dates and document id: the same fields give the same bytes
        pageCompression=1,
        initialFontName=design.texts[0][1].font.fontName,  # the default, Helvetica, would not be embedded
    )
    canvas.setTitle(design.title.format(serial=_normalise(fields.serial, keep_breaks=False)))
    canvas.setAuthor(values["issuing_unit"].replace("\n", " "))
    canvas.setCreator("elearn")
    canvas.addLiteral(design.frame_ops)
    if verify_url is not None:
        _draw_qr(canvas, verify_url, design)
    text = canvas.beginText()  # one text object for the whole page
    for line, style in design.texts:
        _draw(text, style, style.size, [line])
    for key, style in design.fields.items():
        _draw(text, style, *fit_text(values[key], style, key))
    y = design.rows_y
    for row in design.rows:
        value = values.get(row.field)
        if value is None:
            continue
        size, lines = fit_text(value, row.value_style, row.field)
        _draw(text, row.label_style, row.label_style.size, [row.label], y=y)
        _draw(text, row.value_style, size, lines, y=y, leading=design.row_line_gap)
        y -= design.row_step + design.row_line_gap * (len(lines) - 1)
    if verify_url is not None:
        caption, style = design.qr_caption
        _draw(text, style, style.size, [caption])
    canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def format_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _field_values(fields: CertificateFields, design: Design) -> dict[str, str]:
    """Normalise, check and format the caller's values, keyed by design field or row name."""
    rows = {row.field: row.value_style for row in design.rows}
    styles = {**rows, **design.fields}
    values: dict[str, str] = {}
    for name in (
        "serial",
        "holder_name",
        "type_name",
        "course_title",
        "class_code",
        "result",
        "issuing_unit",
        "signer_name",
        "signer_title",
        "place",
    ):
        raw = getattr(fields, name)
        if raw is None:
            if name in ("class_code", "result"):
                continue
            raise ValidationError(f"Mục «{FIELD_LABELS[name]}» không được để trống.")
        style = styles["place_date" if name == "place" else name]
        text = _normalise(raw, keep_breaks=style.max_lines > 1)
        if not text:
            raise ValidationError(f"Mục «{FIELD_LABELS[name]}» không được để trống.")
        if style.uppercase:
            text = unicodedata.normalize("NFC", text.upper())
        _check_glyphs(text, style.font, name)
        values[name] = text
    values["date_of_birth"] = format_date(fields.date_of_birth)
    if fields.expiry_date is not None:
        values["expiry_date"] = format_date(fields.expiry_date)
    if fields.hours is not None:
        values["hours"] = _format_number(fields.hours)
    issued = fields.issue_date
    # Administrative style (Decree 30/2020): a zero before days below 10 and before months 1 and 2.
    values["place_date"] = design.fields["place_date"].template.format(
        place=values.pop("place"),
        day=f"{issued.day:02d}",
        month=f"{issued.month:02d}" if issued.month < 3 else str(issued.month),
        year=issued.year,
    )
    for key, style in styles.items():
        if key in values and key != "place_date":
            values[key] = style.template.format(value=values[key])
    return values


def _normalise(text: str, keep_breaks: bool) -> str:
    lines = unicodedata.normalize("NFC", text).splitlines() or [""]
    lines = [" ".join(line.split()) for line in lines]
    return ("\n" if keep_breaks else " ").join(line for line in lines if line)


def _check_glyphs(text: str, font: TTFont, field: str) -> None:
    char = unprintable_char(text, font)
    if char is not None:
        raise MissingGlyph(field, char)


def _format_number(value: int | float | Decimal) -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",")  # Vietnamese decimal comma


def fit_text(text: str, style: TextStyle, field: str) -> tuple[float, list[str]]:
    """Largest size (down to min_size) at which `text` fits the style's width, wrapping if allowed."""
    if style.width is None:
        return style.size, text.split("\n")
    font = style.font
    if "\n" not in text:
        single = min(style.size, style.size * style.width / max(font.stringWidth(text, style.size), 1e-6))
        if single >= max(style.min_size, 0.85 * style.size if style.max_lines > 1 else 0):
            return int(single * 10) / 10, [text]
    size = style.size
    while style.max_lines > 1 and size >= style.min_size:
        lines = _wrap(text, font, size, style.width)
        if len(lines) <= style.max_lines:
            return size, lines
        size -= 0.5
    raise ValidationError(f"Nội dung mục «{FIELD_LABELS.get(field, field)}» quá dài để in trên chứng chỉ.")


def _wrap(text: str, font: TTFont, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and font.stringWidth(candidate, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    if any(font.stringWidth(line, size) > width for line in lines):
        return lines + [""] * 99  # a single word wider than the box: never fits at this size
    return lines


def _draw(
    text: PDFTextObject,
    style: TextStyle,
    size: float,
    lines: list[str],
    y: float | None = None,
    leading: float | None = None,
) -> None:
    text.setFillColorRGB(*style.color)
    text.setFont(style.font.fontName, size)
    y = style.y if y is None else y
    step = leading if leading is not None else size * 1.25
    for line in lines:
        x = style.x
        if style.align != "left":
            width = style.font.stringWidth(line, size)
            x -= width / 2 if style.align == "center" else width
        text.setTextOrigin(x, y)
        text.textOut(line)
        y -= step


def _draw_qr(canvas: Canvas, url: str, design: Design) -> None:
    """Draw the QR symbol as one filled path of rectangles, one per horizontal run of dark modules.

    The path goes in its own form XObject, compressed here: in the page stream reportlab would also
    ASCII85-encode it in pure Python, a third of the QR code's cost.
    """
    matrix = encode_url(url)
    r, g, b = design.qr_color
    runs = " ".join([f"{c} {row} {n} 1 re" for row, c, n in matrix.dark_runs()])
    form = pdfdoc.PDFStream(content=zlib.compress(f"{r:.3f} {g:.3f} {b:.3f} rg {runs} f".encode("ascii")))
    form.dictionary["Type"] = pdfdoc.PDFName("XObject")
    form.dictionary["Subtype"] = pdfdoc.PDFName("Form")
    form.dictionary["BBox"] = pdfdoc.PDFArray([0, 0, matrix.size, matrix.size])
    form.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")  # already applied
    canvas._doc.addForm("qr", form)  # reportlab has no public accessor for the document
    scale = design.qr_size / matrix.size
    canvas.saveState()
    # Module units, y growing downwards from the symbol's top-left corner.
    canvas.transform(scale, 0, 0, -scale, design.qr_x, design.qr_top)
    canvas.doForm("qr")
    canvas.restoreState()
