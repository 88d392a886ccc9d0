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
                    0,
                    "Tệp XML có khai báo DTD/thực thể (entity) hoặc tham chiếu ngoài; "
                    "vì an toàn hệ thống không xử lý loại tệp này.",
                )
            ]
        ) from None
    except SAXParseException as exc:
        raise ImportFailed(
            [RowError(exc.getLineNumber() or 0, f"Tệp XML không hợp lệ: {exc.getMessage()}.")]
        ) from None
    if builder.root is None:
        raise ImportFailed([RowError(0, "Tệp XML rỗng.")])
    return builder.root
