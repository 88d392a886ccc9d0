"""A tiny element tree built through defusedxml's SAX parser, keeping each element's source line.

No DTD, no entity declarations, no external references: an XML bomb or an XXE attempt is refused
before anything is expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.sax import parseString

from elearn.errors import ImportFailed, RowError
from elearn.quizzes.formats.uploads import FILE_LEVEL


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str, default: str = "") -> str:
        """The trimmed text of <tag><text>...</text></tag>, or of <tag>...</tag> when it has no <text>."""
        node = self.find(tag)
        if node is None:
            return default
        inner = node.find("text")
        return (inner.text if inner is not None else node.text).strip()


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []

    def startElement(self, name, attrs):  # noqa: N802 - SAX API
        line = self._locator.getLineNumber() if self._locator else 0
        node = Node(name, dict(attrs), line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name):  # noqa: N802 - SAX API
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].chunks.append(content)


def parse_xml(data: bytes) -> Node:
    builder = _Builder()
    try:
        parseString(data, builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFailed(
            [
                RowError(
                    FILE_LEVEL,
                    "Tệp XML có khai báo DTD/thực thể (entity) hoặc tham chiếu ngoài; "
                    "vì an toàn hệ thống không xử lý loại tệp này.",
                )
            ]
        ) from None
    except SAXParseException as exc:
        line = exc.getLineNumber() or FILE_LEVEL
        raise ImportFailed([RowError(line, f"Tệp XML không hợp lệ: {_reason(exc)}.")]) from None
    if builder.root is None:
        raise ImportFailed([RowError(FILE_LEVEL, "Tệp XML rỗng.")])
    return builder.root


# expat's messages (pyexpat.errors) in Vietnamese; anything else gets the generic reason with its column.
_REASONS = {
    "not well-formed (invalid token)": "có ký tự hoặc thẻ sai cú pháp",
    "no element found": "tệp rỗng hoặc kết thúc khi còn thẻ chưa đóng",
    "mismatched tag": "thẻ đóng không khớp với thẻ mở",
    "unclosed token": "có thẻ chưa đóng",
    "junk after document element": "có nội dung sau thẻ gốc",
    "syntax error": "lỗi cú pháp",
    "undefined entity": "dùng thực thể (&...;) chưa được định nghĩa",
    "duplicate attribute": "một thuộc tính bị lặp trong cùng thẻ",
    "unbound prefix": "tiền tố không gian tên chưa được khai báo",
    "XML or text declaration not at start of entity": "khai báo <?xml ...?> không nằm ở đầu tệp",
    "unknown encoding": "bảng mã khai báo trong tệp không được hỗ trợ; hãy lưu tệp với bảng mã UTF-8",
    "encoding specified in XML declaration is incorrect": "bảng mã khai báo không đúng với nội dung tệp",
    "unclosed CDATA section": "có đoạn CDATA chưa đóng",
    "reference to invalid character number": "tham chiếu tới mã ký tự không hợp lệ",
    "partial character": "tệp kết thúc giữa một ký tự UTF-8",
    "XML declaration not well-formed": "khai báo <?xml ...?> sai cú pháp",
}


def _reason(exc: SAXParseException) -> str:
    message = exc.getMessage()
    reason = _REASONS.get(message, "lỗi cú pháp XML")
    column = exc.getColumnNumber()
    return f"{reason} (cột {column + 1})" if column is not None and column >= 0 else reason
