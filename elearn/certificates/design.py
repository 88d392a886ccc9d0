"""Certificate design: certificates/design.yaml parsed into a Design, with its fonts and static frame.

The design places every text, field, row and the QR code on an A4-landscape page; load_design checks it
(required fields, known rows, QR size, every design text printable in its font) and is cached per process.

Speed (see bench/certificates.py): fonts are parsed once per process and their subsets are cached compressed;
the operators of the static frame are built once, with the design.
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace

DEFAULT_DESIGN = Path(__file__).resolve().parents[2] / "certificates" / "design.yaml"
MIN_QR_MM = 30
# Control, format (zero-width space, joiners, soft hyphen...), private-use and unassigned characters: the font
# may map some of them, but they print as nothing, so a name containing one would not match what is signed.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
_REQUIRED_FIELDS = {"issuing_unit", "serial", "type_name", "place_date", "signer_title", "signer_name"}
_ROW_FIELDS = {"holder_name", "date_of_birth", "course_title", "class_code", "hours", "result", "expiry_date"}


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


def unprintable_char(text: str, font: TTFont) -> str | None:
    """The first character of `text` that `font` cannot print visibly (line breaks allowed), or None."""
    cmap = font.face.charToGlyph
    for char in text:
        if char != "\n" and (ord(char) not in cmap or unicodedata.category(char) in _INVISIBLE):
            return char
    return None


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
    char = unprintable_char(unicodedata.normalize("NFC", text), font)
    if char is not None:
        raise ValueError(f"{path}: {font.fontName} has no glyph for {char!r} in {text!r}")


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
