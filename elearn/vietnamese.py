"""Vietnamese alphabetical order, for lists people read: a ă â b c d đ e ê ... with the tone marks as a
second key (dictionary order: none, huyền, hỏi, ngã, sắc, nặng), and people by given name first, as class
lists are kept in Vietnam ("Nguyễn Văn An" before "Bùi Thị Bình"). Databases compare bytes or another
language's collation, so such lists are sorted here (they are short: a class, a quiz's attempts, tags)."""

from __future__ import annotations

import unicodedata

_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(_LETTERS)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: str) -> tuple:
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text.lower()):
        base, *marks = unicodedata.normalize("NFD", char)
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            else:  # breve, circumflex, horn: part of the letter (ă, â, ê, ô, ơ, ư)
                base = unicodedata.normalize("NFC", base + mark)
        rank = _RANK.get(base)
        letters.append((1, rank) if rank is not None else (0, ord(base)))  # spaces, digits before letters
        tones.append(tone)
    return letters, tones, text


def name_key(full_name: str) -> tuple:
    """A person's full name by given name (the last word), then family and middle names."""
    words = full_name.split()
    return sort_key(words[-1] if words else ""), sort_key(" ".join(words[:-1]))


SORT_KEY_LENGTH = 255


def name_sort_key(full_name: str) -> str:
    """name_key() as text that sorts the same way character by character, for the database to order a long,
    paginated list by (the officer registry). Each level is written in fixed-width hex digits and ended by a
    code below every value, so a shorter name sorts before a longer one that begins with it. Names whose
    keys agree on the first SORT_KEY_LENGTH characters tie (the registry then orders by id)."""
    parts: list[str] = []
    for letters, tones, _text in name_key(full_name):
        parts.extend(f"{kind * 0x110000 + code + 1:06x}" for kind, code in letters)
        parts.append("000000")
        parts.extend(str(tone + 1) for tone in tones)
        parts.append("0")
    return "".join(parts)[:SORT_KEY_LENGTH]
