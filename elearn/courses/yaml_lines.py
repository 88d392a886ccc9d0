"""Reading YAML and text files so that every problem names its file and line.

YAML mappings and lists come back as LineDict and LineList, which remember the line of each key and item;
problems are appended to a list of RowError instead of raised, so one pass reports them all.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from elearn.errors import RowError


class LineDict(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line = 1
    key_lines: dict


class LineList(list):
    line = 1
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    result.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, ScalarNode)}
    return result


def _sequence(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def clean_text(value) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


def read_text(path: Path, name: str, errors: list[RowError]) -> str | None:
    data = path.read_bytes()
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(RowError(line, "Tệp không phải mã UTF-8.", name))
        return None


def load_yaml(path: Path, name: str, errors: list[RowError]):
    text = read_text(path, name, errors)
    if text is None:
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (_Loader is a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc)
        errors.append(RowError(line, f"Lỗi cú pháp YAML: {reason}.", name))
        return None


def unknown_keys(data: LineDict, allowed: set[str], name: str, errors: list[RowError]) -> None:
    for key in data:
        if key not in allowed:
            line = data.key_lines.get(key, data.line)
            errors.append(RowError(line, f"Khóa không hợp lệ: «{key}».", name))
