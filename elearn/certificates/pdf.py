"""Certificate PDF: one A4-landscape page laid out by certificates/design.yaml, with the font embedded.

Every string is NFC-normalised and every character checked against the font's character map before
drawing, so a certificate never shows a blank box. Output is deterministic (reportlab invariant mode), so a
stored PDF can be compared with a fresh rendering of the same fields.

Speed (see bench/certificates.py): fonts are parsed once per process, font subsets are cached compressed,
the parsed design and the operators of the static frame are cached, and the QR code comes from
elearn.certificates.qr (a faster, identical encoder) as run-merged rectangles in a compressed form XObject.
"""

from __future__ import annotations

import io
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

import yaml
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from elearn.certificates.qr import encode_url
from elearn.errors import DomainError, ValidationError

DEFAULT_DESIGN = Path(__file__).resolve().parents[2] / "certificates" / "design.yaml"
MIN_QR_MM = 30
# Control, format (zero-width space, joiners, soft hyphen...), private-use and unassigned characters: the font
# may map some of them, but they print as nothing, so a name containing one would not match what is signed.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
_REQUIRED_FIELDS = {"issuing_unit", "serial", "type_name", "place_date", "signer_title", "signer_name"}
_ROW_FIELDS = {"holder_name", "date_of_birth", "course_title", "class_code", "hours", "result", "expiry_date"}

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


@dataclass(frozen=True)
class TextStyle:
    font: TTFont
    size: float
    color: tuple[float, float, float]
    x: float = 0.0  # points from the left
    y: float = 0.0  # points from the bottom (baseline)
    align: str = "left"
    width: float | None = None  # points; None: no fitting
    min_size: float = 0.0
    max_lines: int = 1
    template: str = "{value}"
    uppercase: bool = False


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    label_style: TextStyle
    value_style: TextStyle


@dataclass(frozen=True)
class Design:
    width: float
    height: float
    title: str
    frame_ops: str  # PDF operators for the border and ornaments, built once
    texts: tuple[tuple[str, TextStyle], ...]
    fields: dict[str, TextStyle]
    rows_y: float
    row_step: float
    row_line_gap: float
    rows: tuple[Row, ...]
    qr_x: float
    qr_top: float
    qr_size: float
    qr_color: tuple[float, float, float]
    qr_caption: tuple[str, TextStyle]


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
    cmap = font.face.charToGlyph
    for char in text:
        if char != "\n" and (ord(char) not in cmap or unicodedata.category(char) in _INVISIBLE):
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


# --- design file -------------------------------------------------------------------------------------------


@cache
def load_design(path: Path | str = DEFAULT_DESIGN) -> Design:
    """Parse and check a design file; cached, so edit the file and restart to see changes."""
    path = Path(path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    font_dir = path.parent / "fonts"
    fonts = {key: _font(font_dir / name) for key, name in spec["fonts"].items()}
    colors = {key: _rgb(value) for key, value in spec["colors"].items()}
    height = spec["page"]["height"] * mm

    def style(item: dict, **defaults) -> TextStyle:
        item = {**defaults, **item}
        result = TextStyle(
            font=fonts[item["font"]],
            size=item["size"],
            color=colors[item["color"]],
            x=item.get("x", 0) * mm,
            y=height - item.get("y", 0) * mm,
            align=item.get("align", "left"),
            width=item["width"] * mm if "width" in item else None,
            min_size=item.get("min_size", item["size"]),
            max_lines=item.get("max_lines", 1),
            template=item.get("template", "{value}"),
            uppercase=item.get("uppercase", False),
        )
        if result.align not in ("left", "center", "right"):
            raise ValueError(f"{path}: bad align {result.align!r}")
        _check_design_text(result.template, result.font, path)
        return result

    texts = tuple((unicodedata.normalize("NFC", t["text"]), style(t)) for t in spec["texts"])
    fields = {key: style(item) for key, item in spec["fields"].items()}
    rows_spec = spec["rows"]
    label_defaults = {k: v for k, v in rows_spec["label"].items() if k != "x"}
    value_defaults = {k: v for k, v in rows_spec["value"].items()}
    rows = tuple(
        Row(
            field=item["field"],
            label=unicodedata.normalize("NFC", item["label"]),
            label_style=style({"x": rows_spec["label"]["x"]}, **label_defaults),
            value_style=style(
                {k: v for k, v in item.items() if k not in ("field", "label")}, **value_defaults
            ),
        )
        for item in rows_spec["items"]
    )
    qr = spec["qr"]
    if qr["size"] < MIN_QR_MM:
        raise ValueError(f"{path}: the QR code must be at least {MIN_QR_MM} mm wide")
    caption = qr["caption"]
    caption_style = style({**caption, "x": qr["x"] + qr["size"] / 2, "align": "center"})
    missing = _REQUIRED_FIELDS - fields.keys()
    unknown = {row.field for row in rows} - _ROW_FIELDS
    if missing or unknown:
        raise ValueError(f"{path}: fields missing {sorted(missing)}, unknown rows {sorted(unknown)}")
    for text, text_style in (*texts, *((row.label, row.label_style) for row in rows)):
        _check_design_text(text, text_style.font, path)
    _check_design_text(caption["text"], caption_style.font, path)
    return Design(
        width=spec["page"]["width"] * mm,
        height=height,
        title=spec["title"],
        frame_ops=_frame_ops(spec["frame"], colors, spec["page"]["width"] * mm, height),
        texts=texts,
        fields=fields,
        rows_y=height - rows_spec["y"] * mm,
        row_step=rows_spec["step"] * mm,
        row_line_gap=rows_spec["line_gap"] * mm,
        rows=rows,
        qr_x=qr["x"] * mm,
        qr_top=height - qr["y"] * mm,
        qr_size=qr["size"] * mm,
        qr_color=colors[qr["color"]],
        qr_caption=(unicodedata.normalize("NFC", caption["text"]), caption_style),
    )


def _check_design_text(text: str, font: TTFont, path: Path) -> None:
    try:
        _check_glyphs(unicodedata.normalize("NFC", text), font, "design")
    except MissingGlyph as error:
        raise ValueError(f"{path}: {font.fontName} has no glyph for {error.char!r} in {text!r}") from None


@cache
def _font(path: Path) -> TTFont:
    """Parse a TTF once per process and register it under a name unique to its path."""
    font = _CertificateFont(f"Certificate-{zlib.crc32(str(path).encode()):08x}-{path.stem}", path)
    pdfmetrics.registerFont(font)
    return font


class _SubsetCachingFace(TTFontFace):
    """Keeps each embedded subset program, already compressed, keyed by its character list.

    reportlab builds and compresses every subset anew for each document: about a third of a certificate's
    rendering time. Certificates of one batch share most subsets (labels, place, digits: the regular and
    italic fonts), so most documents reuse them; the bytes are exactly what reportlab would write.
    """

    def __init__(self, filename: str | Path):
        super().__init__(filename)
        self._program = lru_cache(maxsize=128)(self._make_program)

    def _make_program(self, subset: tuple[int, ...]) -> tuple[bytes, int]:
        program = self.makeSubset(list(subset))
        return zlib.compress(program), len(program)

    def addSubsetObjects(self, doc, fontname, subset):  # noqa: N802 (reportlab's name)
        if not doc.compression:
            return super().addSubsetObjects(doc, fontname, subset)
        compressed, length = self._program(tuple(subset))
        font_file = pdfdoc.PDFStream(content=compressed)
        font_file.dictionary["Length1"] = length
        font_file.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")  # already applied
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        # The rest as in TTFontFace.addSubsetObjects.
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


class _CertificateFont(TTFont):
    def __init__(self, name: str, filename: str | Path):
        # Not asciiReadable: subsets hold only the characters used, not all of ASCII (36 kB PDFs, not 58).
        super().__init__(name, filename, asciiReadable=False)
        self.face = _SubsetCachingFace(filename)  # parses the file a second time, once per process


def _rgb(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _frame_ops(frame: dict, colors: dict, width: float, height: float) -> str:
    def stroke(color: str, line_width: float) -> str:
        r, g, b = colors[color]
        return f"{r:.3f} {g:.3f} {b:.3f} RG {r:.3f} {g:.3f} {b:.3f} rg {line_width:.2f} w"

    ops = ["q 0 J 0 j"]
    for rect in frame.get("rects", []):
        inset = rect["inset"] * mm
        ops.append(
            f"{stroke(rect['color'], rect['line_width'])} "
            f"{inset:.2f} {inset:.2f} {width - 2 * inset:.2f} {height - 2 * inset:.2f} re S"
        )
    corners = frame.get("corners")
    if corners:
        inset, length, dot = corners["inset"] * mm, corners["length"] * mm, corners.get("dot", 0) * mm
        ops.append(stroke(corners["color"], corners["line_width"]))
        for x, dx in ((inset, 1), (width - inset, -1)):
            for y, dy in ((inset, 1), (height - inset, -1)):
                ops.append(
                    f"{x + dx * length:.2f} {y:.2f} m {x:.2f} {y:.2f} l {x:.2f} {y + dy * length:.2f} l S"
                )
                if dot:
                    ops.append(_diamond(x + dx * 2.5 * dot, y + dy * 2.5 * dot, dot))
    for line in frame.get("lines", []):
        ops.append(
            f"{stroke(line['color'], line['line_width'])} {line['x1'] * mm:.2f} "
            f"{height - line['y1'] * mm:.2f} m {line['x2'] * mm:.2f} {height - line['y2'] * mm:.2f} l S"
        )
    for diamond in frame.get("diamonds", []):
        ops.append(
            f"{stroke(diamond['color'], 0.5)} "
            f"{_diamond(diamond['x'] * mm, height - diamond['y'] * mm, diamond['size'] * mm)}"
        )
    ops.append("Q")
    return "\n".join(ops)


def _diamond(x: float, y: float, size: float) -> str:
    h = size / 2
    return f"{x:.2f} {y + h:.2f} m {x + h:.2f} {y:.2f} l {x:.2f} {y - h:.2f} l {x - h:.2f} {y:.2f} l f"
